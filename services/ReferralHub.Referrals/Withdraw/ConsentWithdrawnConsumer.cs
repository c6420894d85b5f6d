using System.Security.Claims;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Answer;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Release;
using ReferralHub.Referrals.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Withdraw;

/// <summary>
/// Consent withdrawn: every referral of the case not yet accepted is withdrawn, so nothing more is released for it.
/// The provider sees "withdrawn" and no reason; the referrer's history says why. A referral already accepted (in
/// service, or completed) keeps its status — the service may be under way — but is marked: from now on the release
/// gate serves nothing personal of it to the provider, no note flows either way, and the provider's view says the
/// consent was withdrawn and what to do (docs/data-protection.md). A later consent does not revive it: a new release
/// needs a new referral.
/// </summary>
public sealed class ConsentWithdrawnConsumer(ReferralsDbContext db, ILogger<ConsentWithdrawnConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<ConsentWithdrawn, ReferralsDbContext>(db, logger, clock)
{
    protected override async Task HandleAsync(ConsumeContext<ConsentWithdrawn> context)
    {
        var message = context.Message;
        var ofCase = await Db.Referrals.Where(r => ((r.AgencyCode == message.AgencyCode && r.CaseCode == message.CaseCode)
                || (r.OriginAgencyCode == message.AgencyCode && r.OriginCaseCode == message.CaseCode))
            && r.Status != ReferralStatuses.Withdrawn && r.ConsentWithdrawnAt == null)
            .ToListAsync(context.CancellationToken);
        var now = Clock.GetUtcNow().UtcDateTime;
        var withdrawn = 0;
        var marked = 0;
        foreach (var referral in ofCase)
        {
            if (referral.Status is ReferralStatuses.Submitted or ReferralStatuses.Offered or ReferralStatuses.Declined)
            {
                referral.RoutingStep++;
                referral.ConsentWithdrawnAt = now;
                Db.MoveTo(referral, ReferralStatuses.Withdrawn, RoutingReasons.ConsentWithdrawn, now, Clock);
                withdrawn++;
            }
            else if (referral.Status is ReferralStatuses.Accepted or ReferralStatuses.InService or ReferralStatuses.Completed)
            {
                referral.ConsentWithdrawnAt = now;
                Db.Record(referral, RoutingReasons.ConsentWithdrawn, now, Clock);
                marked++;
            }
        }
        if (withdrawn + marked > 0)
            logger.LogInformation("Consent {ConsentId} withdrawn: {Withdrawn} referral(s) withdrawn, {Marked} released referral(s) no longer served",
                message.ConsentId, withdrawn, marked);
    }
}
