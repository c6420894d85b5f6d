using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Retention;

/// <summary>
/// Retention (seed 004): for the transfers service a case is closed when no transfer of it is open (each was
/// acknowledged, withdrawn, cancelled or stopped) and nothing changed since the cut-off. Retention then destroys that
/// case's keys in this service's database (reason texts, the handover package); statuses and history stay.
/// </summary>
internal sealed class ClosedTransferCases(IServiceScopeFactory scopes) : IClosedCaseSource
{
    public Type ContextType => typeof(TransfersDbContext);

    public async Task<IReadOnlyList<ClosedCase>> ClosedBeforeAsync(DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransfersDbContext>();
        var cases = await db.Transfers.AsNoTracking()
            .GroupBy(t => new { t.SendingAgency, t.CaseCode })
            .Select(g => new { g.Key.SendingAgency, g.Key.CaseCode, Open = g.Count(t => t.OpenCaseKey != null), ClosedAt = g.Max(t => t.UpdatedAt) })
            .Where(c => c.Open == 0 && c.ClosedAt < cutoff)
            .ToListAsync(cancellationToken);
        return [.. cases.Select(c => new ClosedCase(c.SendingAgency, c.CaseCode, c.ClosedAt))];
    }
}
