using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary><c>Portal:Sessions</c>: how long a portal session may last, and how often rows past that are deleted.</summary>
public sealed class PortalSessionOptions
{
    /// <summary>
    /// A session ends this long after its sign-in however active the person is (the cookie slides for 8 hours of
    /// inactivity; this caps it): the person signs in again, and the gateway checks their account then.
    /// </summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Deletes <c>portal_sessions</c> rows past their absolute lifetime: people who never sign out (they close the browser)
/// leave a row per sign-in, which already opens nothing (<see cref="PortalSessions.IsOpenAsync"/>) but would stay for
/// ever. Hosted like the other periodic sweeps (one replica at a time, on the portal database's lease).
/// </summary>
public sealed class PortalSessionSweep(PortalDbContext db, IOptions<PortalSessionOptions> options, TimeProvider clock, ILogger<PortalSessionSweep> logger)
    : IRedriveSweep
{
    public TimeSpan Interval => options.Value.SweepInterval;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var expiredBefore = clock.GetUtcNow().UtcDateTime - options.Value.AbsoluteLifetime;
        var deleted = await db.Set<PortalSession>().Where(s => s.StartedAt <= expiredBefore).ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0) logger.LogInformation("{Count} portal session(s) past their absolute lifetime deleted", deleted);
        // Nothing was re-driven: the runner's "re-drove" line would misname a deletion, so the count is logged above.
        return 0;
    }
}
