using System.Net;
using System.Net.Http.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Withdrawal;

/// <summary>Withdrawal by the sender until acknowledgement, and a withdrawn consent cancelling what is not yet acknowledged.</summary>
public sealed class WithdrawalTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_sender_withdraws_before_acknowledgement_and_the_receiver_can_no_longer_read_the_package()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();
        await receiver.ConfirmAsync(id).OkAsync("confirm");

        var byReceiver = await receiver.PostAsync($"/api/v1/transfers/{id}/withdraw", null);
        var withdrawn = await sender.PostAsync($"/api/v1/transfers/{id}/withdraw", null).OkAsync("withdraw");
        var again = await sender.PostAsync($"/api/v1/transfers/{id}/withdraw", null).OkAsync("withdraw again");

        Assert.Equal(HttpStatusCode.Forbidden, byReceiver.StatusCode);
        Assert.Equal("withdrawn", withdrawn.Status());
        Assert.Equal("withdrawn", again.Status());
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { })).StatusCode);
    }

    [Fact]
    public async Task A_withdrawn_consent_cancels_the_unacknowledged_transfer()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var released = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();
        await receiver.ConfirmAsync(released).OkAsync("confirm");

        (await sender.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).EnsureSuccessStatusCode();
        var cancelled = await sender.WaitForStatusAsync(released, "cancelled");

        Assert.Equal("cancelled", cancelled.Status());
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{released}/package")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.PostAsJsonAsync($"/api/v1/transfers/{released}/acknowledge", new { })).StatusCode);
    }
}
