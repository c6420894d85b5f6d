using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Consent.Tests.Infrastructure;

namespace ReferralHub.Consent.Tests.Statistics;

/// <summary>Coordinators see counts (overrides per month, denials by reason) and never a case code.</summary>
public sealed class CoordinatorFiguresTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Coordinators_get_counts_without_case_codes()
    {
        var caseworker = await hub.AgencyAAsync();
        var supervisor = await hub.ClientAsync(ConsentHub.Supervisor2);
        var caseCode = ConsentApi.NewCase();
        await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        await caseworker.CheckAsync(caseCode, "agency-b", "medical", "referral:2");
        (await supervisor.OverrideAsync(caseCode, "referral:1")).EnsureSuccessStatusCode();
        var coordinator = await hub.ClientForAsync("coordinator-system", "coordinator-secret");

        var response = await coordinator.GetAsync("/api/v1/consents/statistics");
        var text = await response.Content.ReadAsStringAsync();
        var figures = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(caseCode, text);
        var month = hub.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM");
        Assert.Contains(figures.GetProperty("overridesPerMonth").EnumerateArray(),
            m => m.GetProperty("month").GetString() == month && m.GetProperty("count").GetInt32() >= 1);
        Assert.Contains(figures.GetProperty("denialsByReason").EnumerateArray(),
            r => r.GetProperty("reason").GetString() == "no-consent" && r.GetProperty("count").GetInt32() >= 2);
    }

    [Fact]
    public async Task Agencies_cannot_read_the_coordinator_figures()
    {
        var caseworker = await hub.AgencyAAsync();

        var response = await caseworker.GetAsync("/api/v1/consents/statistics");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
