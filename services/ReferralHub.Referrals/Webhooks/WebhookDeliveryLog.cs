using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Webhooks;

/// <summary>
/// One callback of a subscription: which change (ids and status only), and how its delivery stands.
/// <c>State</c>: <c>delivered</c>, <c>retrying</c> (the change delivery is stuck on; <c>Attempts</c>, <c>LastError</c>,
/// <c>NextAttemptAt</c> say how), <c>queued</c> (waits behind it), <c>dead-lettered</c>, <c>resent</c> (a dead letter
/// delivered later by hand), <c>stopped</c> (the webhook was deleted before it was sent).
/// <c>DeliveryId</c> is the <c>X-ReferralHub-Delivery</c> header the receiver saw.
/// </summary>
public sealed record WebhookDeliveryView(string DeliveryId, long Sequence, Guid ReferralId, string Event, DateTime ChangedAt, string State,
    int Attempts, string? LastError, DateTime? NextAttemptAt, DateTime? DeadAt, DateTime? ResentAt, Guid? DeadLetterId)
{
    /// <summary>The callback's <c>type</c>: <c>referral.status-changed</c> or <c>transfer.status-changed</c> (then <see cref="TransferId"/> is set and <see cref="ReferralId"/> is empty).</summary>
    public string Type { get; init; } = "referral.status-changed";

    public Guid? TransferId { get; init; }
}

/// <summary>
/// <c>GET /api/v1/referrals/webhooks/{id}/deliveries</c>: the subscription's most recent callbacks, newest first,
/// as far back as dead letters are kept (<see cref="WebhookOptions.KeepDeadLetters"/>).
/// Delivery walks the change log with a cursor, so the log is read from the cursor, the retry state and the dead
/// letters rather than kept as another table: a change at or before the cursor was delivered (or dead-lettered).
/// </summary>
public static class WebhookDeliveryLog
{
    public const int MaxLimit = 200;

    public static RouteGroupBuilder MapWebhookDeliveryLog(this RouteGroupBuilder hooks)
    {
        hooks.MapGet("/{id:guid}/deliveries", ListAsync).WithName("WebhookDeliveries")
            .WithSummary("The subscription's recent callbacks, newest first: event, state, attempts, last error; ids and statuses only.");
        return hooks;
    }

    private static async Task<Results<Ok<Page<WebhookDeliveryView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, string? cursor, int? limit, ClaimsPrincipal user, ReferralsDbContext db, TimeProvider clock, IOptions<WebhookOptions> options,
        CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.AgencyCode == agency, cancellationToken);
        if (subscription is null) return Problems.NotFound("No such webhook.");
        var errors = new FieldErrors();
        var (take, before) = Paging.ReadSequence(errors, cursor, limit, defaultLimit: 50, max: MaxLimit);
        if (errors.Any) return Problems.Invalid(errors);

        // Changes made since the subscription began (its cursor started at the newest change then), newest first: the
        // page's cursor is the oldest sequence it gave, the next page the changes before it. No change older than the
        // dead letters are kept (WebhookRetentionSweep): past it a change without a dead letter may have been given up
        // on, so "delivered" could be untrue.
        var kept = clock.GetUtcNow().UtcDateTime - options.Value.KeepDeadLetters;
        var from = subscription.CreatedAt > kept ? subscription.CreatedAt : kept;
        var since = db.Changes.AsNoTracking().Where(c => c.AgencyCode == subscription.AgencyCode && c.ChangedAt >= from);
        var changes = await (cursor is null ? since : since.Where(c => c.Sequence < before))
            .OrderByDescending(c => c.Sequence).Take(take + 1).ToListAsync(cancellationToken);
        var page = Paging.Trim(changes, take, c => Paging.Cursor(c.Sequence));
        var sequences = page.Items.Select(c => c.Sequence).ToList();
        var letters = await db.WebhookDeadLetters.AsNoTracking()
            .Where(d => d.SubscriptionId == id && sequences.Contains(d.ChangeSequence)).ToListAsync(cancellationToken);
        // The change delivery is stuck on, wherever it falls among the pages.
        var next = await since.Where(c => c.Sequence > subscription.LastSequence).Select(c => (long?)c.Sequence).MinAsync(cancellationToken);

        return TypedResults.Ok(page.Map(change => Describe(change) with { Type = WebhookEvent.From(subscription.Id, change).Type, TransferId = change.TransferId }));

        WebhookDeliveryView Describe(Model.ReferralChange change)
        {
            var deliveryId = $"{subscription.Id:N}-{change.Sequence}";
            if (letters.FirstOrDefault(d => d.ChangeSequence == change.Sequence) is { } letter)
                return new WebhookDeliveryView(deliveryId, change.Sequence, change.ReferralId, change.Status, change.ChangedAt,
                    letter.ResentAt is null ? "dead-lettered" : "resent", letter.Attempts, letter.LastError, null, letter.DeadAt, letter.ResentAt, letter.Id);
            if (change.Sequence <= subscription.LastSequence)
                return new WebhookDeliveryView(deliveryId, change.Sequence, change.ReferralId, change.Status, change.ChangedAt,
                    "delivered", 0, null, null, null, null, null);
            if (!subscription.Active)
                return new WebhookDeliveryView(deliveryId, change.Sequence, change.ReferralId, change.Status, change.ChangedAt,
                    "stopped", 0, null, null, null, null, null);
            return change.Sequence == next && subscription.Attempts > 0
                ? new WebhookDeliveryView(deliveryId, change.Sequence, change.ReferralId, change.Status, change.ChangedAt,
                    "retrying", subscription.Attempts, subscription.LastError, subscription.NextAttemptAt, null, null, null)
                : new WebhookDeliveryView(deliveryId, change.Sequence, change.ReferralId, change.Status, change.ChangedAt,
                    "queued", 0, null, null, null, null, null);
        }
    }
}
