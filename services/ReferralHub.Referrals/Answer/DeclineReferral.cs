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

public sealed record DeclineRequest(string? Reason, string? Details);

/// <summary>Decline an offered referral with a reason; the hub offers it to the next service of the pathway, if any.</summary>
public static class DeclineReferral
{
    internal static void Map(RouteGroupBuilder provider) =>
        provider.MapPost("/decline", DeclineAsync).WithName("DeclineReferral").ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> DeclineAsync(
        Guid id, DeclineRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.OneOf("reason", body.Reason, DeclineReasons.All, required: true);
        if (body.Reason == DeclineReasons.Other && string.IsNullOrWhiteSpace(body.Details)) errors.Add("details", "required when the reason is 'other'");
        errors.MaxLength("details", body.Details, 2000);
        if (errors.Any) return Problems.Invalid(errors);

        var referral = await AnswerEndpoints.ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.Offered) return Problems.Conflict($"The referral is {ProviderStatus.Of(referral.Status)}; only an offered referral can be declined.");

        var now = clock.GetUtcNow().UtcDateTime;
        referral.RespondedAt = now;
        referral.DeclineReason = body.Reason;
        referral.DeclineDetailsProtected = string.IsNullOrWhiteSpace(body.Details) ? null
            : await vault.ProtectTextAsync(ReferralVault.Scope(referral), body.Details, cancellationToken);
        referral.RoutingStep++;
        db.MoveTo(referral, ReferralStatuses.Declined, body.Reason, now, clock);
        if (referral.ReofferToNext && referral.OfferIndex + 1 < referral.Candidates().Count)
            db.PublishViaOutbox(new OfferToNextService(referral.Id, referral.RoutingStep), ReferralLog.AggregateId(referral.Id), clock);
        else
            db.MoveTo(referral, ReferralStatuses.Unplaced, RoutingReasons.NoFurtherService, now, clock);
        if (!await db.TrySaveAsync(cancellationToken)) return Problems.Conflict("The referral was answered or changed meanwhile; this answer was not recorded.");
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }
}
