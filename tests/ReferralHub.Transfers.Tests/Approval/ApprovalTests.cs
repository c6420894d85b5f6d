using System.Text.Json;
using System.Net;
using System.Net.Http.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Approval;

/// <summary>Agency-a requires its supervisor's approval (Transfers:AgenciesRequiringApproval); the server checks who approves.</summary>
public sealed class ApprovalTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new("agency-a");

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Nothing_is_released_until_another_supervisor_of_the_sending_agency_approves()
    {
        var sender = await _hub.SenderAsync(); // the requester: referrer only (four eyes are two identities)
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var supervisor = await _hub.ClientAsync(TransferHub.Supervisor2);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode, summary: new() { ["child.name"] = "Approval Child" }))).Id();

        var confirmed = await receiver.ConfirmAsync(id).OkAsync("confirm");
        var packageBefore = await receiver.GetAsync($"/api/v1/transfers/{id}/package");
        var selfApproval = await sender.PostAsJsonAsync($"/api/v1/transfers/{id}/approval", new { approve = true });
        var receiverApproval = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/approval", new { approve = true });
        var approved = await supervisor.PostAsJsonAsync($"/api/v1/transfers/{id}/approval", new { approve = true }).OkAsync("approve");
        var package = await receiver.GetStringAsync($"/api/v1/transfers/{id}/package");

        Assert.Equal("awaiting-approval", confirmed.Status());
        Assert.Equal(HttpStatusCode.Conflict, packageBefore.StatusCode);
        Assert.DoesNotContain("Approval Child", await packageBefore.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, selfApproval.StatusCode); // four eyes: not the requester
        Assert.Equal(HttpStatusCode.Forbidden, receiverApproval.StatusCode); // no supervisor role
        Assert.Equal("released", approved.Status());
        Assert.Contains("Approval Child", package);
    }

    [Fact]
    public async Task A_refused_approval_ends_the_transfer()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var supervisor = await _hub.ClientAsync(TransferHub.Supervisor2);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();

        var withoutReason = await supervisor.PostAsJsonAsync($"/api/v1/transfers/{id}/approval", new { approve = false });
        var refused = await supervisor.PostAsJsonAsync($"/api/v1/transfers/{id}/approval", new { approve = false, reason = "more-information-needed" }).OkAsync("refuse");
        var confirm = await receiver.ConfirmAsync(id);

        Assert.Equal(HttpStatusCode.BadRequest, withoutReason.StatusCode);
        Assert.True((await withoutReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("approval-refused", refused.Status());
        // The caseworker's system learns why from the change feed (a code: nothing about the child).
        var feed = await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers/changes");
        Assert.Contains(feed.GetProperty("items").EnumerateArray(), c => c.GetProperty("transferId").GetGuid() == id
            && c.GetProperty("status").GetString() == "approval-refused" && c.GetProperty("reasonCode").GetString() == "more-information-needed");
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
    }
}
