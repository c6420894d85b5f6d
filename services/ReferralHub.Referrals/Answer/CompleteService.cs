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

/// <summary>Complete the service with the Services Provided form (the report is stored encrypted).</summary>
public static class CompleteService
{
    public static readonly IReadOnlyList<string> Satisfaction = ReferralHub.Contracts.Taxonomy.Satisfaction.All;

    internal static void Map(RouteGroupBuilder provider) =>
        provider.MapPost("/complete", CompleteAsync).WithName("CompleteService").ProducesProblem(StatusCodes.Status409Conflict);

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

        var referral = await AnswerEndpoints.ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.InService)
            return Problems.Conflict($"The referral is {ProviderStatus.Of(referral.Status)}; record the service start before completing it.");
        if (body.StartedOn is { } started) referral.ServiceStartedOn = started.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (body.CompletedOn < DateOnly.FromDateTime(referral.ServiceStartedOn!.Value)) return Problems.Invalid("completedOn", "must not be before the service started");
        referral.ServiceCompletedOn = body.CompletedOn!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        referral.ChildSatisfaction = body.ChildSatisfaction;
        referral.CaregiverSatisfaction = body.CaregiverSatisfaction;
        referral.ServiceReportProtected = await vault.ProtectAsync(ReferralVault.Scope(referral),
            new ServiceReport(body.Details, body.FollowUpRecommendations, body.ProvidedBy, body.ChildSuggestions, body.CaregiverSuggestions), cancellationToken);
        db.MoveTo(referral, ReferralStatuses.Completed, null, now, clock);
        if (!await db.TrySaveAsync(cancellationToken)) return Problems.Conflict("The referral was changed meanwhile; this answer was not recorded.");
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }
}
