using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Webhooks;

/// <summary>
/// Keeps the webhook delivery records bounded. Delivery itself stores nothing per callback (it walks the change log
/// with a cursor), so the only rows that pile up are dead letters: one per change given up on, kept for the agency to
/// re-send. A dead letter never re-sent is deleted <see cref="WebhookOptions.KeepDeadLetters"/> after it died; one
/// re-sent (delivered by hand: a delivered record) <see cref="WebhookOptions.KeepResent"/> after the re-send. Deleted in
/// batches so one run never holds the database's write lock for long (SQLite has one writer); one replica at a time
/// (the redrive lease), on the clock of <see cref="TimeProvider"/> so tests move time.
/// </summary>
public sealed class WebhookRetentionSweep(ReferralsDbContext db, TimeProvider clock, IOptions<WebhookOptions> options,
    ILogger<WebhookRetentionSweep> logger) : IRedriveSweep
{
    public TimeSpan Interval => options.Value.RetentionInterval;

    /// <summary>Deletes the dead letters past their age, <see cref="WebhookOptions.RetentionBatch"/> rows per statement. Returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var batch = Math.Max(1, options.Value.RetentionBatch);
        var deleted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var round = await DeleteBatchAsync(cancellationToken);
            deleted += round;
            if (round < batch) break;
        }
        // Counts only: a dead letter names a change by its sequence, nothing of the child.
        if (deleted > 0) logger.LogInformation("Webhook retention deleted {Count} dead letter(s) past their age", deleted);
        return deleted;
    }

    /// <summary>One delete statement: at most <see cref="WebhookOptions.RetentionBatch"/> dead letters past their age, oldest first.</summary>
    public Task<int> DeleteBatchAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var diedBefore = now - o.KeepDeadLetters;
        var resentBefore = now - o.KeepResent;
        return db.WebhookDeadLetters
            .Where(d => (d.ResentAt == null && d.DeadAt < diedBefore) || (d.ResentAt != null && d.ResentAt < resentBefore))
            .OrderBy(d => d.DeadAt).Take(Math.Max(1, o.RetentionBatch))
            .ExecuteDeleteAsync(cancellationToken);
    }
}
