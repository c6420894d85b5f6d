using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Routing;

/// <summary>
/// A supervisor authorised this referral's release without consent (seed grounds only): a referral blocked for want of
/// consent is routed again from the first service of its pathway. The pre-check and the release on acceptance are then
/// permitted by the override, which the release uses up — nothing is released before a provider accepts.
/// </summary>
public sealed class SupervisorOverrideConsumer(ReferralsDbContext db, ILogger<SupervisorOverrideConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<SupervisorOverrideRecorded, ReferralsDbContext>(db, logger, clock)
{
    public const string Reason = "override-authorised";

    protected override async Task HandleAsync(ConsumeContext<SupervisorOverrideRecorded> context)
    {
        var message = context.Message;
        if (message.ReferenceId("referral") is not { } id) return;
        var referral = await Db.Referrals.SingleOrDefaultAsync(
            r => r.Id == id && r.OriginAgencyCode == message.AgencyCode && r.OriginCaseCode == message.CaseCode, context.CancellationToken);
        if (referral is not { Status: ReferralStatuses.BlockedConsent }) return;

        var now = Clock.GetUtcNow().UtcDateTime;
        referral.RoutingStep++;
        referral.OfferIndex = -1;
        Db.MoveTo(referral, ReferralStatuses.Submitted, Reason, now, Clock);
        Db.PublishViaOutbox(new ReferralSubmitted(referral.Id, referral.AgencyCode, referral.ServiceType, referral.AreaCode, referral.Priority,
            referral.RoutingStep, now), ReferralLog.AggregateId(referral.Id), Clock);
        logger.LogInformation("Override {OverrideId}: referral {ReferralId} routed again", message.OverrideId, referral.Id);
    }
}
