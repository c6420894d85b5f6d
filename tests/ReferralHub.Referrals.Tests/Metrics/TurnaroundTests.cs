using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Metrics;

/// <summary>Coordinators' turnaround figures: anonymous, small cells hidden.</summary>
public sealed class TurnaroundTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    [Fact]
    public async Task Coordinators_get_counts_and_times_per_cell_and_cells_under_five_show_less_than_five()
    {
        var referrer = hub.ClientFor("agency-m", Roles.Referrer);
        var provider = hub.ClientFor("agency-b", Roles.Provider);
        hub.World.Consents["CASE-M"] = new FakeConsent(true);
        var high = new List<Guid>();
        for (var i = 0; i < 5; i++) high.Add(await SubmitOkAsync(referrer, NadiaReferral("CASE-M", priority: "high")));
        var low = new List<Guid>();
        for (var i = 0; i < 2; i++) low.Add(await SubmitOkAsync(referrer, NadiaReferral("CASE-M", priority: "low")));
        foreach (var id in high.Concat(low)) await WaitForStatusAsync(referrer, id, "offered");
        foreach (var id in high.Take(4)) Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, id, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, high[4], "decline", new { reason = "no-capacity" })).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await referrer.GetAsync("/api/v1/metrics/turnaround")).StatusCode);
        var report = await hub.ClientFor("cluster", Roles.Coordinator).GetFromJsonAsync<JsonElement>("/api/v1/metrics/turnaround");

        var cells = report.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("agency").GetString() == "agency-m").ToList();
        var highCell = cells.Single(c => c.GetProperty("priority").GetString() == "high");
        Assert.Equal("5", highCell.GetProperty("sent").GetString());
        Assert.Equal("<5", highCell.GetProperty("accepted").GetString());
        Assert.Equal("<5", highCell.GetProperty("declinedByReason").GetProperty("no-capacity").GetString());
        Assert.Equal(1.0, highCell.GetProperty("shareAnsweredWithinDeadline").GetDouble());
        Assert.True(highCell.GetProperty("medianHoursToResponse").GetDouble() >= 0);
        // The distribution behind the median: all five answered within 24 hours; the other bands empty.
        var bands = highCell.GetProperty("answeredWithin");
        Assert.Equal("5", bands.GetProperty("within-24h").GetString());
        Assert.Equal("0", bands.GetProperty("over-7d").GetString());
        var lowCell = cells.Single(c => c.GetProperty("priority").GetString() == "low");
        Assert.Equal("<5", lowCell.GetProperty("sent").GetString());
        Assert.Equal(JsonValueKind.Null, lowCell.GetProperty("medianHoursToResponse").ValueKind);
        Assert.Equal(JsonValueKind.Null, lowCell.GetProperty("answeredWithin").ValueKind);
        Assert.DoesNotContain("CASE-M", report.GetRawText());
        Assert.DoesNotContain("Nadia", report.GetRawText());
    }
}
