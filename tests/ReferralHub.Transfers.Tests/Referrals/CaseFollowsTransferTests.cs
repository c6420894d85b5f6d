using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Referrals;

/// <summary>Seed 001, case transfer: "open referrals of that case now report to the receiving agency" (embedded hub).</summary>
public sealed class CaseFollowsTransferTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public Task An_open_referral_reports_to_the_receiving_agency_once_the_transfer_is_acknowledged() =>
        CaseFollowsTransferFlow.OpenReferralReportsToTheReceivingAgencyOnceAsync(_hub);
}
