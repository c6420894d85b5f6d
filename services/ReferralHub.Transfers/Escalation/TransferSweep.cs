using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Escalation;

/// <summary>
/// Database sweep (no message scheduler here): capacity requests unanswered for 3 days are escalated to the area's
/// child protection focal points (from the directory), once; transfers left awaiting the consent registry (it did
/// not answer) are asked again. Uses the injected <see cref="TimeProvider"/>, so tests move the clock.
/// </summary>
public sealed class TransferSweep(
    TransfersDbContext db, TransferSteps steps, IRequestClient<ResolvePathway> pathways, TimeProvider clock,
    IOptions<TransfersOptions> options, ILogger<TransferSweep> logger) : IRedriveSweep
{
    public TimeSpan Interval => options.Value.SweepInterval;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = now - options.Value.CapacityAnswerWithin;
        var count = 0;

        var unanswered = await db.Transfers
            .Where(t => t.Status == TransferStatuses.CapacityRequested && t.EscalatedAt == null && t.CreatedAt <= due)
            .OrderBy(t => t.CreatedAt).Take(200).ToListAsync(cancellationToken);
        foreach (var transfer in unanswered)
        {
            var resolved = (await pathways.GetResponse<PathwayResolved>(new ResolvePathway(transfer.AreaCode, ServiceTypes.CaseManagement), cancellationToken)).Message;
            transfer.EscalatedAt = now;
            transfer.EscalatedTo = [.. resolved.ChildProtectionFocalPoints.Select(f => f.Id.ToString())];
            transfer.EscalationAreas = resolved.AreaChain is { Count: > 0 } chain ? [.. chain] : [transfer.AreaCode];
            transfer.Version++;
            transfer.UpdatedAt = now;
            // The status stays capacity-requested (the receiver can still answer); the feed and event say "escalated".
            TransferSteps.RecordChange(db, transfer, TransferStatuses.Escalated, "capacity-unanswered", now);
            logger.LogWarning("Transfer {TransferId}: capacity unanswered for {Days} days, escalated to {Count} focal point(s) of area {Area}",
                transfer.Id, options.Value.CapacityAnswerWithin.TotalDays, transfer.EscalatedTo.Count, transfer.AreaCode);
            count++;
        }
        if (count > 0) await db.SaveChangesAsync(cancellationToken);

        var waiting = await db.Transfers
            .Where(t => t.Status == TransferStatuses.AwaitingConsent && t.UpdatedAt <= now.AddMinutes(-1))
            .OrderBy(t => t.UpdatedAt).Take(100).ToListAsync(cancellationToken);
        foreach (var transfer in waiting)
        {
            await steps.CheckConsentAndReleaseAsync(transfer, cancellationToken);
            count++;
        }
        return count;
    }
}
