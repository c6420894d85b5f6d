using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Protection;

/// <summary>
/// Retention (seed 004: closed records kept three years, then destroyed): for the referrals service a case is closed when
/// every referral of it has ended (completed, withdrawn, declined, unplaced or blocked) and closed since its last change.
/// Retention then destroys that case's keys here; statuses and the audit trail stay.
/// </summary>
internal sealed class ClosedReferralCases(IServiceScopeFactory scopes) : IClosedCaseSource
{
    private static readonly string[] Ended =
        [ReferralStatuses.Completed, ReferralStatuses.Withdrawn, ReferralStatuses.Declined, ReferralStatuses.Unplaced, ReferralStatuses.BlockedConsent];

    public Type ContextType => typeof(ReferralsDbContext);

    public async Task<IReadOnlyList<ClosedCase>> ClosedBeforeAsync(DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        var cases = await db.Referrals.AsNoTracking()
            .GroupBy(r => new { r.OriginAgencyCode, r.OriginCaseCode })
            .Select(g => new { g.Key.OriginAgencyCode, g.Key.OriginCaseCode, Open = g.Count(r => !Ended.Contains(r.Status)), ClosedAt = g.Max(r => r.UpdatedAt) })
            .Where(c => c.Open == 0 && c.ClosedAt < cutoff)
            .ToListAsync(cancellationToken);
        return [.. cases.Where(c => c.OriginAgencyCode.Length > 0).Select(c => new ClosedCase(c.OriginAgencyCode, c.OriginCaseCode, c.ClosedAt))];
    }
}
