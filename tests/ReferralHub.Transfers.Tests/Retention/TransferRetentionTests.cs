using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Retention;

/// <summary>
/// Retention in the transfers service: three years after a case's last transfer ended, its keys here are destroyed —
/// the reason text stored for the transfer becomes unreadable — while a case with a transfer still open keeps them.
/// </summary>
public sealed class TransferRetentionTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Three_years_after_its_transfers_ended_a_cases_stored_text_is_unreadable_and_its_status_stays()
    {
        var sender = await _hub.SenderAsync();
        var (ended, open) = (TransferApi.NewCase(), TransferApi.NewCase());
        await sender.RecordTransferConsentAsync(ended, _hub.Clock);
        await sender.RecordTransferConsentAsync(open, _hub.Clock);
        var endedId = (await sender.RequestAsync(TransferApi.Request(ended))).Id();
        var openId = (await sender.RequestAsync(TransferApi.Request(open))).Id();
        await sender.PostAsync($"/api/v1/transfers/{endedId}/withdraw", null).OkAsync("withdraw");
        Assert.Equal("Family moved to the district centre.", await ReasonTextAsync(endedId));
        var operations = _hub.Services.GetRequiredService<KeyOperations>();

        _hub.Clock.Advance(TimeSpan.FromDays(3 * 365 - 2));
        Assert.DoesNotContain(await operations.ApplyRetentionAsync(default), d => d.Scope.EndsWith(ended, StringComparison.Ordinal));
        _hub.Clock.Advance(TimeSpan.FromDays(3));
        var destroyed = await operations.ApplyRetentionAsync(default);

        Assert.Contains(destroyed, d => d.Scope == ProtectionScopes.Case("agency-a", ended));
        Assert.DoesNotContain(destroyed, d => d.Scope.EndsWith(open, StringComparison.Ordinal));
        Assert.Null(await ReasonTextAsync(endedId));
        Assert.Equal("Family moved to the district centre.", await ReasonTextAsync(openId));
        await using var scope = _hub.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<TransfersDbContext>().Transfers.AsNoTracking().SingleAsync(t => t.Id == endedId);
        Assert.Equal(("withdrawn", ended), (row.Status, row.CaseCode));
    }

    private async Task<string?> ReasonTextAsync(Guid id)
    {
        await using var scope = _hub.Services.CreateAsyncScope();
        var transfer = await scope.ServiceProvider.GetRequiredService<TransfersDbContext>().Transfers.AsNoTracking().SingleAsync(t => t.Id == id);
        var protector = _hub.Services.GetRequiredService<IPersonalDataProtector<TransfersDbContext>>();
        return await protector.UnprotectAsync(ProtectionScopes.Case(transfer.SendingAgency, transfer.CaseCode), transfer.ProtectedReasonText!);
    }
}
