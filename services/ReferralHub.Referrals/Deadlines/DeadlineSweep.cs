using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Routing;
using ReferralHub.Referrals.Submit;

namespace ReferralHub.Referrals.Deadlines;

public sealed class ReferralsOptions
{
    /// <summary>How often the deadline/re-drive sweep runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A referral still waiting for routing after this long is routed again (a lost message, a crash).</summary>
    public TimeSpan RedriveAfter { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The database-driven clock of the lifecycle (no scheduler package is served): an offer unanswered at its priority
/// deadline is marked overdue, the referrer is told (status change), the area's child protection focal points get an
/// escalation, and on a re-offering pathway the next service is offered. It also re-drives routing that stalled.
/// Time comes from <see cref="TimeProvider"/>, so tests move the clock.
/// </summary>
public sealed class DeadlineSweep(ReferralsDbContext db, TimeProvider clock, IOptions<ReferralsOptions> options, ILogger<DeadlineSweep> logger) : IRedriveSweep
{
    private const int Batch = 200;

    public TimeSpan Interval => options.Value.SweepInterval;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var count = 0;
        var due = await db.Referrals.Where(r => r.Status == ReferralStatuses.Offered && !r.Overdue && r.DeadlineAt <= now)
            .OrderBy(r => r.DeadlineAt).Take(Batch).ToListAsync(cancellationToken);
        foreach (var referral in due)
        {
            referral.Overdue = true;
            referral.OverdueAt = now;
            db.Record(referral, RoutingReasons.Overdue, now, clock);
            var focalPoints = JsonSerializer.Deserialize<List<Guid>>(referral.EscalationFocalPointsJson, ReferralJson.Options) ?? [];
            db.PublishViaOutbox(new ReferralEscalated(referral.Id, referral.AgencyCode, referral.AreaCode, referral.ServiceType, referral.Priority,
                referral.OrganisationCode, focalPoints, referral.DeadlineAt!.Value, now), ReferralLog.AggregateId(referral.Id), clock);
            if (referral.ReofferToNext && referral.OfferIndex + 1 < referral.Candidates().Count)
            {
                referral.RoutingStep++;
                db.PublishViaOutbox(new OfferToNextService(referral.Id, referral.RoutingStep), ReferralLog.AggregateId(referral.Id), clock);
            }
            count++;
        }

        // Routing that should have happened by now: publish the same step again (consumers act only once per step).
        var stalledBefore = now - options.Value.RedriveAfter;
        var stalled = await db.Referrals.Where(r => (r.Status == ReferralStatuses.Submitted || r.Status == ReferralStatuses.Declined) && r.UpdatedAt < stalledBefore)
            .OrderBy(r => r.UpdatedAt).Take(Batch).ToListAsync(cancellationToken);
        foreach (var referral in stalled)
        {
            referral.UpdatedAt = now; // wait another RedriveAfter before the next attempt
            if (referral.Status == ReferralStatuses.Submitted)
                db.PublishViaOutbox(new ReferralSubmitted(referral.Id, referral.AgencyCode, referral.ServiceType, referral.AreaCode, referral.Priority,
                    referral.RoutingStep, referral.CreatedAt), ReferralLog.AggregateId(referral.Id), clock);
            else
                db.PublishViaOutbox(new OfferToNextService(referral.Id, referral.RoutingStep), ReferralLog.AggregateId(referral.Id), clock);
            count++;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An answer arrived meanwhile and wins; the next sweep looks again.
            logger.LogInformation("Deadline sweep lost a race with an answer; retrying at the next run");
            return 0;
        }
        if (due.Count > 0) logger.LogInformation("{Count} referral(s) overdue and escalated", due.Count);
        return count;
    }
}
