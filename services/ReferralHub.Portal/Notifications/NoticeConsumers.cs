using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Notifications;

// Small consumers: each turns one hub event into notices for the people who must act. Every one is idempotent (inbox
// in the same transaction as the queued notices), and the notices themselves are de-duplicated per person.

/// <summary>
/// Referrals offered to services: each organisation's provider focal points are told, and each offer is watched for the
/// reminder. Consumed in batches (group commit, docs/notifications.md): in a burst every offer read the same
/// organisation's people again and committed alone (issue 17, session 11: 9.2 % of the hub's CPU, one portal.db
/// transaction per referral); a batch reads each organisation's people once and commits once.
/// </summary>
public sealed class OfferNoticeConsumer(PortalDbContext db, NoticeRecipients recipients, NoticeQueue queue, ILogger<OfferNoticeConsumer> logger, TimeProvider clock)
    : IdempotentBatchConsumer<ReferralOffered, PortalDbContext>(db, logger, clock)
{
    private ILookup<string, NoticePerson> _people = Array.Empty<NoticePerson>().ToLookup(p => p.Agency);

    public override async Task Consume(ConsumeContext<Batch<ReferralOffered>> context)
    {
        // Who is told is read before the transaction: the accounts are not this transaction's to change, and reading
        // them inside only held portal.db's write lock longer (issue 17: every offer in a burst waited on it).
        var organisations = context.Message.Select(m => m.Message.OrganisationCode).Distinct(StringComparer.Ordinal).ToList();
        _people = await recipients.OfAgenciesAsync(organisations, Roles.Provider, context.CancellationToken);
        await base.Consume(context);
    }

    protected override Task HandleAsync(ConsumeContext<ReferralOffered> context) => HandleBatchAsync([context], context.CancellationToken);

    protected override async Task HandleBatchAsync(IReadOnlyList<ConsumeContext<ReferralOffered>> messages, CancellationToken cancellationToken)
    {
        var referralIds = messages.Select(m => m.Message.ReferralId).Distinct().ToList();
        var watchedOffers = await Db.Set<OpenOffer>().Where(o => referralIds.Contains(o.ReferralId)).ToDictionaryAsync(o => o.ReferralId, cancellationToken);
        var notices = new List<NoticeToQueue>();
        // In the batch's order, against the watch rows as the earlier offers left them: a re-offer in the same batch
        // ends as it would have one message after the other.
        foreach (var offer in messages.Select(m => m.Message))
        {
            if (!watchedOffers.TryGetValue(offer.ReferralId, out var watched))
            {
                Db.Set<OpenOffer>().Add(watched = new OpenOffer { ReferralId = offer.ReferralId, OrganisationCode = offer.OrganisationCode, ServiceType = offer.ServiceType, Priority = offer.Priority });
                watchedOffers[offer.ReferralId] = watched;
            }
            // A later change of the referral arrived first (answered, withdrawn, re-offered elsewhere): this offer is over.
            if (watched.Version > offer.Version) continue;
            watched.Version = offer.Version;
            watched.OrganisationCode = offer.OrganisationCode;
            watched.ServiceType = offer.ServiceType;
            watched.Priority = offer.Priority;
            watched.OfferedAt = offer.OfferedAt;
            watched.DeadlineAt = offer.DeadlineAt;
            watched.RemindedAt = null;
            watched.ClosedAt = null;

            notices.Add(new NoticeToQueue(_people[offer.OrganisationCode], $"offer:{offer.ReferralId}:{offer.OfferedAt.Ticks}",
                _ => new NoticeFacts(NoticeKinds.Offer, "referral", offer.ReferralId, offer.ServiceType, offer.Priority, offer.DeadlineAt, $"/referrals/{offer.ReferralId}")));
        }
        await queue.QueueAllAsync(notices, Clock.GetUtcNow().UtcDateTime, cancellationToken);
    }
}

/// <summary>Any later step of a referral (answered, withdrawn, overdue): no reminder for it any more.</summary>
public sealed class OfferClosedNoticeConsumer(PortalDbContext db, ILogger<OfferClosedNoticeConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<ReferralStatusChanged, PortalDbContext>(db, logger, clock)
{
    public override Task Consume(ConsumeContext<ReferralStatusChanged> context) =>
        // Submitted and (not overdue) offered close nothing: no transaction, no inbox row — half of every referral's
        // status changes are these, and each would otherwise cost a portal database commit.
        ClosesNothing(context.Message) ? Task.CompletedTask : base.Consume(context);

    private static bool ClosesNothing(ReferralStatusChanged change) =>
        change.Status == ReferralStatuses.Submitted || (change.Status == ReferralStatuses.Offered && !change.Overdue);

    protected override async Task HandleAsync(ConsumeContext<ReferralStatusChanged> context)
    {
        var change = context.Message;
        await OpenOffers.CloseAsync(Db, change.ReferralId, change.Version, change.ChangedAt, context.CancellationToken);
    }
}

/// <summary>
/// An offer unanswered by its deadline: the child protection focal points of the area (or an area above it) and the
/// provider focal points holding the offer are told.
/// </summary>
public sealed class ReferralEscalationNoticeConsumer(
    PortalDbContext db, AreaChains areas, NoticeRecipients recipients, NoticeQueue queue, ILogger<ReferralEscalationNoticeConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<ReferralEscalated, PortalDbContext>(db, logger, clock)
{
    private IReadOnlyList<string> _chain = [];

    public override async Task Consume(ConsumeContext<ReferralEscalated> context)
    {
        // Asked before the transaction: no database lock is held across a bus round trip.
        _chain = await areas.ChainAsync(context.Message.AreaCode, context.Message.ServiceType, context.CancellationToken);
        await base.Consume(context);
    }

    protected override async Task HandleAsync(ConsumeContext<ReferralEscalated> context)
    {
        var escalated = context.Message;
        var now = Clock.GetUtcNow().UtcDateTime;
        var key = $"escalation:{escalated.ReferralId}:{escalated.DeadlineAt.Ticks}";
        var focalPoints = await recipients.OfAreasAsync(_chain, Roles.PathwayMaintainer, context.CancellationToken);
        logger.LogInformation("Referral {ReferralId} escalated: {Count} child protection focal point(s) for areas {Areas}",
            escalated.ReferralId, focalPoints.Count, string.Join(",", _chain));
        await queue.QueueAsync(focalPoints, key,
            _ => new NoticeFacts(NoticeKinds.Escalation, "referral", escalated.ReferralId, escalated.ServiceType, escalated.Priority, escalated.DeadlineAt, "/"),
            now, context.CancellationToken);
        if (escalated.OrganisationCode is { } organisation)
        {
            var providers = await recipients.OfAgencyAsync(organisation, Roles.Provider, context.CancellationToken);
            await queue.QueueAsync(providers, key,
                _ => new NoticeFacts(NoticeKinds.Escalation, "referral", escalated.ReferralId, escalated.ServiceType, escalated.Priority, escalated.DeadlineAt,
                    $"/referrals/{escalated.ReferralId}"),
                now, context.CancellationToken);
        }
    }
}

/// <summary>
/// A transfer step waiting for a person: the receiving agency's focal points (capacity request), the sending agency's
/// supervisors (approval), or the area's child protection focal points and the receiving agency (escalation).
/// </summary>
public sealed class TransferNoticeConsumer(
    PortalDbContext db, AreaChains areas, NoticeRecipients recipients, NoticeQueue queue, IOptions<NotificationOptions> options,
    ILogger<TransferNoticeConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<TransferAwaitingAnswer, PortalDbContext>(db, logger, clock)
{
    private IReadOnlyList<string> _chain = [];

    public override async Task Consume(ConsumeContext<TransferAwaitingAnswer> context)
    {
        if (context.Message.Status == TransferStatuses.Escalated)
            _chain = await areas.ChainAsync(context.Message.AreaCode, ServiceTypes.CaseTransferPurpose, context.CancellationToken);
        await base.Consume(context);
    }

    protected override async Task HandleAsync(ConsumeContext<TransferAwaitingAnswer> context)
    {
        var step = context.Message;
        var now = Clock.GetUtcNow().UtcDateTime;
        var key = $"transfer:{step.TransferId}:{step.Status}";
        var capacityDeadline = step.RequestedAt + options.Value.CapacityAnswerWithin;
        NoticeFacts Facts(string kind, DateTime? deadline, string link) =>
            new(kind, "transfer", step.TransferId, ServiceTypes.CaseTransferPurpose, step.Urgency, deadline, link);

        switch (step.Status)
        {
            case TransferStatuses.CapacityRequested:
                await queue.QueueAsync(await recipients.OfAgencyAsync(step.ReceivingAgency, Roles.Provider, context.CancellationToken), key,
                    _ => Facts(NoticeKinds.TransferCapacity, capacityDeadline, $"/transfers/{step.TransferId}"), now, context.CancellationToken);
                break;
            case TransferStatuses.AwaitingApproval:
                await queue.QueueAsync(await recipients.OfAgencyAsync(step.SendingAgency, Roles.Supervisor, context.CancellationToken), key,
                    _ => Facts(NoticeKinds.Approval, null, "/supervisor"), now, context.CancellationToken);
                break;
            case TransferStatuses.Escalated:
                await queue.QueueAsync(await recipients.OfAreasAsync(_chain, Roles.PathwayMaintainer, context.CancellationToken), key,
                    _ => Facts(NoticeKinds.Escalation, capacityDeadline, "/directory/escalations"), now, context.CancellationToken);
                await queue.QueueAsync(await recipients.OfAgencyAsync(step.ReceivingAgency, Roles.Provider, context.CancellationToken), key,
                    _ => Facts(NoticeKinds.Escalation, capacityDeadline, $"/transfers/{step.TransferId}"), now, context.CancellationToken);
                break;
        }
    }
}

internal static class OpenOffers
{
    /// <summary>Stops reminders for a referral; remembers the closing even before its offer message arrived (bus order is not guaranteed).</summary>
    public static async Task CloseAsync(PortalDbContext db, Guid referralId, int version, DateTime at, CancellationToken cancellationToken)
    {
        var watched = await db.Set<OpenOffer>().SingleOrDefaultAsync(o => o.ReferralId == referralId, cancellationToken);
        if (watched is null)
        {
            db.Set<OpenOffer>().Add(new OpenOffer
            {
                ReferralId = referralId, OrganisationCode = "", ServiceType = "", Priority = "", OfferedAt = at, DeadlineAt = at, ClosedAt = at, Version = version,
            });
            return;
        }
        if (version <= watched.Version) return; // older than the offer we know
        watched.Version = version;
        watched.ClosedAt ??= at;
    }
}

/// <summary>An area and the areas above it, from the directory (over the bus), so a district's focal point hears about its camps.</summary>
public sealed class AreaChains(IRequestClient<ResolvePathway> directory, ILogger<AreaChains> logger)
{
    public async Task<IReadOnlyList<string>> ChainAsync(string? areaCode, string serviceType, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(areaCode)) return [];
        try
        {
            var answer = await directory.GetResponse<PathwayResolved>(new ResolvePathway(areaCode, serviceType), cancellationToken, RequestTimeout.After(s: 20));
            return answer.Message.AreaChain is { Count: > 0 } chain ? chain : [areaCode];
        }
        catch (RequestTimeoutException)
        {
            // The directory did not answer: the area's own focal points still hear; the bus retries nothing here.
            logger.LogWarning("Directory did not answer for the area chain of {AreaCode}; notifying that area only", areaCode);
            return [areaCode];
        }
    }
}
