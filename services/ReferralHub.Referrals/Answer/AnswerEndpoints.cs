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

public sealed record StartRequest(DateOnly? StartedOn);

/// <summary>The Services Provided form (seed 000).</summary>
public sealed record CompleteRequest(
    DateOnly? StartedOn,
    DateOnly? CompletedOn,
    string? Details,
    string? FollowUpRecommendations,
    ProviderFocalPoint? ProvidedBy,
    string? ChildSatisfaction,
    string? ChildSuggestions,
    string? CaregiverSatisfaction,
    string? CaregiverSuggestions);

/// <summary>
/// The provider's answers. Only a focal point of the organisation the referral is offered to may answer (another
/// organisation gets 404: it must not learn the referral exists); each answer is legal only from one state (409).
/// </summary>
public static class AnswerEndpoints
{
    public static readonly IReadOnlyList<string> Satisfaction = ReferralHub.Contracts.Taxonomy.Satisfaction.All;

    public static RouteGroupBuilder MapAnswers(this RouteGroupBuilder group)
    {
        var provider = group.MapGroup("/{id:guid}").RequireAuthorization(p => p.RequireRole(Roles.Provider));
        provider.MapPost("/accept", AcceptAsync).WithName("AcceptReferral")
            .WithSummary("Accept an offered referral: consent is checked again and the need-to-know payload released.");
        provider.MapPost("/decline", DeclineAsync).WithName("DeclineReferral");
        provider.MapPost("/start", StartAsync).WithName("StartService");
        provider.MapPost("/complete", CompleteAsync).WithName("CompleteService");
        return group;
    }

    private static async Task<Referral?> ForProviderAsync(ReferralsDbContext db, Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var organisation = user.Agency();
        return await db.Referrals.SingleOrDefaultAsync(r => r.Id == id && r.OrganisationCode == organisation
            && r.Status != ReferralStatuses.Submitted, cancellationToken);
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult>> AcceptAsync(
        Guid id, ClaimsPrincipal user, ReferralsDbContext db, IRequestClient<CheckConsent> consent, NeedToKnowProfiles profiles,
        ReleaseGate gate, TimeProvider clock, ILogger<DeclineRequest> logger, CancellationToken cancellationToken)
    {
        var referral = await ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.Offered) return Problems.Conflict($"The referral is {ProviderStatus(referral.Status)}; only an offered referral can be accepted.");

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
            if (!await TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral was answered or changed meanwhile.");
            logger.LogInformation("Referral {ReferralId}: consent denied at release ({Reason}); nothing released", referral.Id, decision.Reason);
            return Problems.Conflict("Consent no longer permits releasing this referral; nothing was released and the referral is withdrawn.",
                "Consent does not permit release", "urn:referralhub:consent-denied");
        }

        var candidate = OfferRouting.Candidates(referral).ElementAtOrDefault(referral.OfferIndex);
        var items = profiles.Releasable(referral.ServiceType, decision.WithheldItems);
        db.Releases.Add(new ReferralRelease
        {
            Id = NewId.NextGuid(),
            ReferralId = referral.Id,
            OrganisationCode = referral.OrganisationCode!,
            ServiceId = referral.ServiceId ?? Guid.Empty,
            FocalPointId = candidate?.FocalPointId,
            FocalPointName = candidate?.FocalPointName,
            ItemsJson = JsonSerializer.Serialize(items.Order(StringComparer.Ordinal), SubmitReferralEndpoint.Json),
            WithheldJson = JsonSerializer.Serialize(decision.WithheldItems, SubmitReferralEndpoint.Json),
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
        if (!await TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral was answered or changed meanwhile; this answer was not recorded.");

        logger.LogInformation("Referral {ReferralId} accepted by {Organisation}; {Count} items released", referral.Id, referral.OrganisationCode, items.Count);
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> DeclineAsync(
        Guid id, DeclineRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.OneOf("reason", body.Reason, DeclineReasons.All, required: true);
        if (body.Reason == DeclineReasons.Other && string.IsNullOrWhiteSpace(body.Details)) errors.Add("details", "required when the reason is 'other'");
        errors.MaxLength("details", body.Details, 2000);
        if (errors.Any) return Problems.Invalid(errors);

        var referral = await ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.Offered) return Problems.Conflict($"The referral is {ProviderStatus(referral.Status)}; only an offered referral can be declined.");

        var now = clock.GetUtcNow().UtcDateTime;
        referral.RespondedAt = now;
        referral.DeclineReason = body.Reason;
        referral.DeclineDetailsProtected = string.IsNullOrWhiteSpace(body.Details) ? null
            : await vault.ProtectTextAsync(ReferralVault.Scope(referral), body.Details, cancellationToken);
        referral.RoutingStep++;
        db.MoveTo(referral, ReferralStatuses.Declined, body.Reason, now, clock);
        if (referral.ReofferToNext && referral.OfferIndex + 1 < OfferRouting.Candidates(referral).Count)
            db.PublishViaOutbox(new OfferToNextService(referral.Id, referral.RoutingStep), ReferralLog.AggregateId(referral.Id), clock);
        else
            db.MoveTo(referral, ReferralStatuses.Unplaced, RoutingReasons.NoFurtherService, now, clock);
        if (!await TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral was answered or changed meanwhile; this answer was not recorded.");
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> StartAsync(
        Guid id, StartRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (body.StartedOn is null) return Problems.Invalid("startedOn", "required");
        if (body.StartedOn > DateOnly.FromDateTime(now)) return Problems.Invalid("startedOn", "must not be in the future");

        var referral = await ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.Accepted) return Problems.Conflict($"The referral is {ProviderStatus(referral.Status)}; only an accepted referral can start.");
        referral.ServiceStartedOn = body.StartedOn.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        db.MoveTo(referral, ReferralStatuses.InService, null, now, clock);
        if (!await TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral was changed meanwhile; this answer was not recorded.");
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> CompleteAsync(
        Guid id, CompleteRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var errors = new FieldErrors();
        if (body.CompletedOn is null) errors.Add("completedOn", "required");
        else if (body.CompletedOn > today) errors.Add("completedOn", "must not be in the future");
        if (body.StartedOn > today) errors.Add("startedOn", "must not be in the future");
        if (body.StartedOn is { } s && body.CompletedOn is { } c && c < s) errors.Add("completedOn", "must not be before startedOn");
        errors.OneOf("childSatisfaction", body.ChildSatisfaction, Satisfaction);
        errors.OneOf("caregiverSatisfaction", body.CaregiverSatisfaction, Satisfaction);
        errors.MaxLength("details", body.Details, SubmitReferralRequest.MaxText);
        errors.MaxLength("followUpRecommendations", body.FollowUpRecommendations, SubmitReferralRequest.MaxText);
        errors.MaxLength("childSuggestions", body.ChildSuggestions, SubmitReferralRequest.MaxText);
        errors.MaxLength("caregiverSuggestions", body.CaregiverSuggestions, SubmitReferralRequest.MaxText);
        errors.MaxLength("providedBy.name", body.ProvidedBy?.Name, SubmitReferralRequest.MaxShort);
        errors.MaxLength("providedBy.position", body.ProvidedBy?.Position, SubmitReferralRequest.MaxShort);
        errors.MaxLength("providedBy.contact", body.ProvidedBy?.Contact, SubmitReferralRequest.MaxShort);
        errors.MaxLength("providedBy.location", body.ProvidedBy?.Location, SubmitReferralRequest.MaxShort);
        if (errors.Any) return Problems.Invalid(errors);

        var referral = await ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.InService)
            return Problems.Conflict($"The referral is {ProviderStatus(referral.Status)}; record the service start before completing it.");
        if (body.StartedOn is { } started) referral.ServiceStartedOn = started.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (body.CompletedOn < DateOnly.FromDateTime(referral.ServiceStartedOn!.Value)) return Problems.Invalid("completedOn", "must not be before the service started");
        referral.ServiceCompletedOn = body.CompletedOn!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        referral.ChildSatisfaction = body.ChildSatisfaction;
        referral.CaregiverSatisfaction = body.CaregiverSatisfaction;
        referral.ServiceReportProtected = await vault.ProtectAsync(ReferralVault.Scope(referral),
            new ServiceReport(body.Details, body.FollowUpRecommendations, body.ProvidedBy, body.ChildSuggestions, body.CaregiverSuggestions), cancellationToken);
        db.MoveTo(referral, ReferralStatuses.Completed, null, now, clock);
        if (!await TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral was changed meanwhile; this answer was not recorded.");
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }

    /// <summary>False when another answer won (optimistic concurrency): exactly one of two concurrent answers is recorded.</summary>
    internal static async Task<bool> TrySaveAsync(ReferralsDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>A provider is told "withdrawn" for any way a referral left it before acceptance, never why.</summary>
    public static string ProviderStatus(string status) => status switch
    {
        ReferralStatuses.BlockedConsent => ReferralStatuses.Withdrawn,
        ReferralStatuses.Unplaced => ReferralStatuses.Declined,
        _ => status,
    };
}
