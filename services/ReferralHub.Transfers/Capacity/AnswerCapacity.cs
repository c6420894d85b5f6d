using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Capacity;

/// <summary>The receiver's answer: <c>decision</c> "confirm" with the receiving caseworker, or "decline" with a reason.</summary>
public sealed record CapacityAnswerBody(string? Decision, string? CaseworkerId, string? Reason);

/// <summary>POST /api/v1/transfers/{id}/capacity (role referrer or provider of the receiving agency).</summary>
internal static class AnswerCapacity
{
    public static readonly string[] ReceiverRoles = [Roles.Referrer, Roles.Provider];

    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapPost("/{id:guid}/capacity", HandleAsync).WithName("AnswerTransferCapacity").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(ReceiverRoles));

    private static async Task<Results<Ok<TransferView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, CapacityAnswerBody body, ClaimsPrincipal user, TransfersDbContext db, TransferSteps steps, TimeProvider clock,
        ILogger<CapacityAnswerBody> logger, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        if (transfer.ReceivingAgency != agency) return Problems.Forbidden("Only the receiving agency answers the capacity request.");

        var errors = new FieldErrors();
        if (body.Decision is not ("confirm" or "decline")) errors.Add("decision", "confirm or decline.");
        if (body.Decision == "confirm" && !TransferCodes.IsCode(body.CaseworkerId))
            errors.Add("caseworkerId", "The receiving caseworker's id (a code, not a name) is required to confirm capacity.");
        if (body.Decision == "decline" && (body.Reason is null || !TransferDeclineReasons.All.Contains(body.Reason)))
            errors.Add("reason", $"A decline needs a reason: one of {string.Join(", ", TransferDeclineReasons.All)}.");
        if (errors.Any) return Problems.Invalid(errors);

        if (transfer.Status != TransferStatuses.CapacityRequested)
        {
            // A repeated identical answer is not an error (a retry after a lost response).
            var same = body.Decision == "confirm"
                ? transfer.CapacityAnsweredAt is not null && transfer.DeclineReason is null && transfer.ReceivingCaseworkerId == body.CaseworkerId
                : transfer.Status == TransferStatuses.CapacityDeclined && transfer.DeclineReason == body.Reason;
            return same ? TypedResults.Ok(TransferViews.ToView(transfer, agency!)) : Problems.Conflict($"The transfer is {transfer.Status}; capacity can no longer be answered.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        transfer.CapacityAnsweredAt = now;
        transfer.CapacityAnsweredBy = user.ClientOrUserId();
        var warnings = new List<string>();
        if (body.Decision == "decline")
        {
            transfer.DeclineReason = body.Reason;
            TransferSteps.MoveTo(db, transfer, TransferStatuses.CapacityDeclined, body.Reason, user.ClientOrUserId(), now);
        }
        else
        {
            transfer.ReceivingCaseworkerId = body.CaseworkerId;
            var caseload = await Caseloads.OfAsync(db, agency!, body.CaseworkerId!, cancellationToken);
            if (Caseloads.OneMoreExceedsLimit(caseload))
                warnings.Add($"Caseworker '{body.CaseworkerId}' would have {caseload + 1} open cases received by transfer; seed 004 sets at most {TransferCodes.CaseloadLimit} per caseworker.");
            var next = transfer.ApprovalRequired && transfer.ApprovedAt is null ? TransferStatuses.AwaitingApproval : TransferStatuses.AwaitingConsent;
            TransferSteps.MoveTo(db, transfer, next, null, user.ClientOrUserId(), now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The transfer changed at the same time; read it and try again.");
        }
        logger.LogInformation("Transfer {TransferId}: capacity {Decision} by agency {Agency}", transfer.Id, body.Decision, agency);

        await steps.CheckConsentAndReleaseAsync(transfer, cancellationToken);
        return TypedResults.Ok(TransferViews.ToView(transfer, agency!, warnings));
    }
}
