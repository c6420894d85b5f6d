using System.Security.Claims;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Release;
using ReferralHub.Referrals.Routing;
using ReferralHub.Referrals.Submit;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Answer;

/// <summary>
/// Accept an offered referral: consent is checked again at this moment and used up for this referral, and the
/// need-to-know payload is released to the organisation (what the consent withholds stays back).
/// </summary>
public sealed class AcceptReferral
{
    internal static void Map(RouteGroupBuilder provider) =>
        provider.MapPost("/accept", AcceptAsync).WithName("AcceptReferral").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Accept an offered referral: consent is checked again and the need-to-know payload released.");

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult>> AcceptAsync(
        Guid id, ClaimsPrincipal user, ReferralsDbContext db, IRequestClient<CheckConsent> consent, NeedToKnowProfiles profiles,
        ReleaseGate gate, TimeProvider clock, ILogger<AcceptReferral> logger, CancellationToken cancellationToken)
    {
        var referral = await AnswerEndpoints.ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.Offered) return Problems.Conflict($"The referral is {ProviderStatus.Of(referral.Status)}; only an offered referral can be accepted.");

        // Consent again at the moment of release, using it up (retry-safe per referral): a withdrawal since the offer wins.
        ConsentDecision decision;
        try
        {
            decision = (await consent.GetResponse<ConsentDecision>(new CheckConsent(referral.OriginAgencyCode, referral.OriginCaseCode, referral.OrganisationCode!,
                referral.ServiceType, OfferRouting.ReleaseReference(referral.Id), Consume: true, RequestedBy: user.ClientOrUserId() ?? referral.OrganisationCode!),
                cancellationToken, RequestTimeout.After(s: 30))).Message;
        }
        catch (RequestTimeoutException)
        {
            return Problems.Unavailable("The consent registry did not answer; nothing was released. Retry.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (!decision.Permitted)
        {
            referral.RoutingStep++;
            db.MoveTo(referral, ReferralStatuses.BlockedConsent, decision.Reason ?? ConsentDenialReasons.NoConsent, now, clock);
            if (!await db.TrySaveAsync(cancellationToken)) return Problems.Conflict("The referral was answered or changed meanwhile.");
            logger.LogInformation("Referral {ReferralId}: consent denied at release ({Reason}); nothing released", referral.Id, decision.Reason);
            return Problems.Conflict("Consent no longer permits releasing this referral; nothing was released and the referral is withdrawn.",
                "Consent does not permit release", "urn:referralhub:consent-denied");
        }

        var candidate = referral.Candidates().ElementAtOrDefault(referral.OfferIndex);
        var items = profiles.Releasable(referral.ServiceType, decision.WithheldItems);
        db.Releases.Add(new ReferralRelease
        {
            Id = NewId.NextGuid(),
            ReferralId = referral.Id,
            OrganisationCode = referral.OrganisationCode!,
            ServiceId = referral.ServiceId ?? Guid.Empty,
            FocalPointId = candidate?.FocalPointId,
            FocalPointName = candidate?.FocalPointName,
            ItemsJson = JsonSerializer.Serialize(items.Order(StringComparer.Ordinal), ReferralJson.Options),
            WithheldJson = JsonSerializer.Serialize(decision.WithheldItems, ReferralJson.Options),
            ProfileVersion = profiles.Version,
            ConsentId = decision.ConsentId,
            ConsentVersion = decision.ConsentVersion,
            OverrideId = decision.OverrideId,
            DecisionId = decision.DecisionId,
            ReleasedBy = user.ClientOrUserId() ?? referral.OrganisationCode!,
            ReleasedAt = now,
        });
        referral.RespondedAt = now;
        referral.AcceptedAt = now;
        db.MoveTo(referral, ReferralStatuses.Accepted, null, now, clock);
        if (!await db.TrySaveAsync(cancellationToken)) return Problems.Conflict("The referral was answered or changed meanwhile; this answer was not recorded.");

        logger.LogInformation("Referral {ReferralId} accepted by {Organisation}; {Count} items released", referral.Id, referral.OrganisationCode, items.Count);
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }
}
