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
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Web;

namespace ReferralHub.Referrals.Withdraw;

public sealed record WithdrawRequest(string? Reason);

public static class WithdrawEndpoints
{
    public static RouteGroupBuilder MapWithdraw(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer)).WithName("WithdrawReferral")
            .WithSummary("The referring agency withdraws its referral (any time before completion). The provider is told only 'withdrawn'.");
        return group;
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult, ValidationProblem>> WithdrawAsync(
        Guid id, WithdrawRequest body, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Errors();
        errors.OneOf("reason", body.Reason, WithdrawReasons.All, required: true);
        if (errors.Any) return Problems.Invalid(errors.Items);

        var agency = user.Agency();
        var referral = await db.Referrals.SingleOrDefaultAsync(r => r.Id == id && r.AgencyCode == agency, cancellationToken);
        if (referral is null) return Problems.NotFound();
        if (!referral.CanBeWithdrawn) return Problems.Conflict($"The referral is {referral.Status}; it can no longer be withdrawn.");
        referral.RoutingStep++;
        db.MoveTo(referral, ReferralStatuses.Withdrawn, body.Reason, clock.GetUtcNow().UtcDateTime, clock);
        if (!await AnswerEndpoints.TrySaveAsync(db, cancellationToken)) return Problems.Conflict("The referral changed meanwhile; read it and retry.");
        return TypedResults.Ok(await ReferralViews.ReferrerViewAsync(db, vault, referral, cancellationToken));
    }
}

/// <summary>
/// Consent withdrawn: every referral of the case not yet accepted is withdrawn, so nothing more is released for it.
/// The provider sees "withdrawn" and no reason; the referrer's history says why.
/// </summary>
public sealed class ConsentWithdrawnConsumer(ReferralsDbContext db, ILogger<ConsentWithdrawnConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<ConsentWithdrawn, ReferralsDbContext>(db, logger, clock)
{
    protected override async Task HandleAsync(ConsumeContext<ConsentWithdrawn> context)
    {
        var message = context.Message;
        var open = await Db.Referrals.Where(r => ((r.AgencyCode == message.AgencyCode && r.CaseCode == message.CaseCode)
                || (r.OriginAgencyCode == message.AgencyCode && r.OriginCaseCode == message.CaseCode))
            && (r.Status == ReferralStatuses.Submitted || r.Status == ReferralStatuses.Offered || r.Status == ReferralStatuses.Declined))
            .ToListAsync(context.CancellationToken);
        var now = Clock.GetUtcNow().UtcDateTime;
        foreach (var referral in open)
        {
            referral.RoutingStep++;
            Db.MoveTo(referral, ReferralStatuses.Withdrawn, RoutingReasons.ConsentWithdrawn, now, Clock);
        }
        if (open.Count > 0) logger.LogInformation("Consent {ConsentId} withdrawn: {Count} referral(s) withdrawn", message.ConsentId, open.Count);
    }
}
