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

public sealed record StartRequest(DateOnly? StartedOn);

/// <summary>Record that the service of an accepted referral started.</summary>
public static class StartService
{
    internal static void Map(RouteGroupBuilder provider) =>
        provider.MapPost("/start", StartAsync).WithName("StartService").ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> StartAsync(
        Guid id, StartRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (body.StartedOn is null) return Problems.Invalid("startedOn", "required");
        if (body.StartedOn > DateOnly.FromDateTime(now)) return Problems.Invalid("startedOn", "must not be in the future");

        var referral = await AnswerEndpoints.ForProviderAsync(db, id, user, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (referral.Status != ReferralStatuses.Accepted) return Problems.Conflict($"The referral is {ProviderStatus.Of(referral.Status)}; only an accepted referral can start.");
        referral.ServiceStartedOn = body.StartedOn.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        db.MoveTo(referral, ReferralStatuses.InService, null, now, clock);
        if (!await db.TrySaveAsync(cancellationToken)) return Problems.Conflict("The referral was changed meanwhile; this answer was not recorded.");
        return TypedResults.Ok((await gate.ViewAsync(referral, Party.Provider, cancellationToken))!);
    }
}
