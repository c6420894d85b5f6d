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
        if (!await AnswerEndpoints.TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral changed meanwhile; read it and retry.");
        return TypedResults.Ok((await gate.ViewAsync(referral, ReleaseGate.PartyOf(referral, user), cancellationToken))!);
    }
}

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
