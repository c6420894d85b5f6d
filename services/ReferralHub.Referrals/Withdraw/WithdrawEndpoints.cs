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

public sealed record WithdrawRequest(string? Reason);

public static class WithdrawEndpoints
{
    public static RouteGroupBuilder MapWithdraw(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer)).WithName("WithdrawReferral").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("The referring agency withdraws its referral (any time before completion). The provider is told only 'withdrawn'.");
        return group;
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> WithdrawAsync(
        Guid id, WithdrawRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReleaseGate gate, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.OneOf("reason", body.Reason, WithdrawReasons.All, required: true);
        if (errors.Any) return Problems.Invalid(errors);

        var agency = user.Agency();
        var referral = await db.Referrals.SingleOrDefaultAsync(r => r.Id == id && r.AgencyCode == agency, cancellationToken);
        if (referral is null) return Problems.NotFound("No such referral for this caller.");
        if (!referral.CanBeWithdrawn) return Problems.Conflict($"The referral is {referral.Status}; it can no longer be withdrawn.");
        referral.RoutingStep++;
        db.MoveTo(referral, ReferralStatuses.Withdrawn, body.Reason, clock.GetUtcNow().UtcDateTime, clock);
        if (!await db.TrySaveAsync(cancellationToken)) return Problems.Conflict("The referral changed meanwhile; read it and retry.");
        return TypedResults.Ok((await gate.ViewAsync(referral, ReleaseGate.PartyOf(referral, user), cancellationToken))!);
    }
}
