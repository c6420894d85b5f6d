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

namespace ReferralHub.Transfers.Approval;

/// <param name="Approve">True to approve, false to refuse.</param>
/// <param name="Reason">Required to refuse: one of <see cref="ApprovalRefusalReasons.All"/>; recorded on the change.</param>
public sealed record ApprovalBody(bool? Approve, string? Reason = null);

/// <summary>
/// POST /api/v1/transfers/{id}/approval (role supervisor of the sending agency, not the caseworker who asked): the
/// sending agency's approval where its setting requires one. The server checks role, agency and the four eyes itself.
/// </summary>
internal static class ApproveTransfer
{
    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapPost("/{id:guid}/approval", HandleAsync).WithName("ApproveTransfer").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Supervisor));

    private static async Task<Results<Ok<TransferView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, ApprovalBody body, ClaimsPrincipal user, TransfersDbContext db, TransferSteps steps, TimeProvider clock,
        ILogger<ApprovalBody> logger, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        if (transfer.SendingAgency != agency) return Problems.Forbidden("Only a supervisor of the sending agency approves a transfer.");
        if (body.Approve is null) return Problems.Invalid("approve", "true to approve, false to refuse.");
        if (body.Approve == false && (body.Reason is null || !ApprovalRefusalReasons.All.Contains(body.Reason)))
            return Problems.Invalid("reason", $"A refusal needs a reason: one of {string.Join(", ", ApprovalRefusalReasons.All)}.");
        if (!transfer.ApprovalRequired) return Problems.Conflict("Your agency does not require approval of transfers.");
        var subject = user.ClientOrUserId();
        if (subject == transfer.RequestedBy) return Problems.Forbidden("The supervisor who approves must not be the one who requested the transfer.");

        if (transfer.ApprovedAt is not null && body.Approve == true) return TypedResults.Ok(TransferViews.ToView(transfer, agency!));
        if (transfer.Status is not (TransferStatuses.CapacityRequested or TransferStatuses.AwaitingApproval))
            return Problems.Conflict($"The transfer is {transfer.Status}; it can no longer be approved or refused.");

        var now = clock.GetUtcNow().UtcDateTime;
        if (body.Approve == false)
        {
            TransferSteps.MoveTo(db, transfer, TransferStatuses.ApprovalRefused, body.Reason, subject, now);
        }
        else
        {
            transfer.ApprovedAt = now;
            transfer.ApprovedBy = subject;
            if (transfer.Status == TransferStatuses.AwaitingApproval)
                TransferSteps.MoveTo(db, transfer, TransferStatuses.AwaitingConsent, null, subject, now);
            else
                transfer.Version++; // approved ahead of the capacity answer: the status waits for the receiver
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The transfer changed at the same time; read it and try again.");
        }
        logger.LogInformation("Transfer {TransferId} {Decision} by supervisor {Subject}", transfer.Id, body.Approve == true ? "approved" : "refused", subject);

        await steps.CheckConsentAndReleaseAsync(transfer, cancellationToken);
        return TypedResults.Ok(TransferViews.ToView(transfer, agency!));
    }
}
