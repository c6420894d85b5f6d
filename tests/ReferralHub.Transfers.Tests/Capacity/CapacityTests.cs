using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Transfers.Escalation;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Capacity;

/// <summary>The receiver's capacity answer (seed 000: "If the new case management provider confirms that they have the capacity…").</summary>
public sealed class CapacityTests : IAsyncLifetime
{
    private const string CampMaintainer = "camp-1-focal-point";
    private readonly TransferHub _hub = new();

    public CapacityTests()
    {
        // A child protection focal point of another camp: must not see demo-camp-2's escalations.
        _hub.Settings["Auth:Clients:3:ClientId"] = CampMaintainer;
        _hub.Settings["Auth:Clients:3:ClientSecret"] = TransferHub.Secret;
        _hub.Settings["Auth:Clients:3:Agency"] = "district";
        _hub.Settings["Auth:Clients:3:Roles:0"] = "pathway-maintainer";
        _hub.Settings["Auth:Clients:3:Areas:0"] = "demo-camp-1";
    }

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_decline_needs_a_reason_ends_the_transfer_and_frees_the_case_for_another_request()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();

        var noReason = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "decline" });
        var bySender = await sender.PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "decline", reason = "no-capacity" });
        var declined = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "decline", reason = "no-capacity" }).OkAsync("decline");
        var lateConfirm = await receiver.ConfirmAsync(id);

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", (await noReason.Content.ReadFromJsonAsync<JsonElement>()).ErrorFields());
        Assert.Equal(HttpStatusCode.Forbidden, bySender.StatusCode);
        Assert.Equal("capacity-declined", declined.Status());
        Assert.Equal("no-capacity", declined.GetProperty("declineReason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, lateConfirm.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
        Assert.Empty((await sender.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}/releases")).GetProperty("items").EnumerateArray());
        // The declined transfer no longer blocks the case: the sender can ask again.
        await sender.RequestAsync(TransferApi.Request(caseCode));
    }

    [Fact]
    public async Task Unanswered_for_three_days_escalates_once_to_the_areas_child_protection_focal_point()
    {
        var sender = await _hub.SenderAsync();
        var id = (await sender.RequestAsync(TransferApi.Request(TransferApi.NewCase(), area: "demo-camp-2"))).Id();

        _hub.Clock.Advance(TimeSpan.FromDays(2));
        var early = await SweepAsync();
        var afterTwoDays = await sender.GetAsync(id);
        _hub.Clock.Advance(TimeSpan.FromDays(1.1));
        await SweepAsync();
        var escalated = await sender.GetAsync(id);
        await SweepAsync();

        Assert.Equal(0, early);
        Assert.Equal(JsonValueKind.Null, afterTwoDays.GetProperty("escalatedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, escalated.GetProperty("escalatedAt").ValueKind);
        Assert.Equal("capacity-requested", escalated.Status()); // the receiver can still answer
        var feed = await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers/changes");
        var escalations = feed.GetProperty("items").EnumerateArray()
            .Where(c => c.GetProperty("transferId").GetGuid() == id && c.GetProperty("status").GetString() == "escalated").ToList();
        Assert.Single(escalations);
        Assert.Equal("capacity-unanswered", escalations[0].GetProperty("reasonCode").GetString());

        // The district's focal point (area demo-district, above demo-camp-2) sees it in the escalation list, without
        // the case code; a focal point of another camp does not; a caseworker's system may not ask.
        var districtFocalPoint = await _hub.ClientForAsync("pathways-system", "pathways-secret");
        var list = await districtFocalPoint.GetStringAsync("/api/v1/transfers/escalations");
        var item = JsonDocument.Parse(list).RootElement.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("transferId").GetGuid() == id);
        Assert.Equal("agency-d", item.GetProperty("receivingAgency").GetString());
        Assert.Equal("demo-camp-2", item.GetProperty("areaCode").GetString());
        Assert.DoesNotContain(escalated.GetProperty("caseCode").GetString()!, list);
        var campFocalPoint = await _hub.ClientAsync(CampMaintainer);
        Assert.DoesNotContain(id.ToString(), await campFocalPoint.GetStringAsync("/api/v1/transfers/escalations"));
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync("/api/v1/transfers/escalations")).StatusCode);

        // Answered: it leaves the list.
        await (await _hub.ClientAsync(TransferHub.Receiver)).PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "decline", reason = "no-capacity" }).OkAsync("decline");
        Assert.DoesNotContain(id.ToString(), await districtFocalPoint.GetStringAsync("/api/v1/transfers/escalations"));
    }

    [Fact]
    public async Task Confirming_warns_when_the_caseworker_would_exceed_25_cases()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        JsonElement last = default;
        for (var i = 0; i < 26; i++)
        {
            var caseCode = TransferApi.NewCase();
            await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
            var id = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();
            last = await receiver.ConfirmAsync(id, "cw-busy").OkAsync("confirm");
            if (i == 24) Assert.Empty(last.GetProperty("warnings").EnumerateArray());
        }

        var warning = Assert.Single(last.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("26", warning);
        Assert.Contains("25", warning);
        Assert.Equal("released", last.Status()); // a warning, not a refusal: the receiving supervisor decides
    }

    private async Task<int> SweepAsync()
    {
        await using var scope = _hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TransferSweep>().SweepAsync(CancellationToken.None);
    }
}
