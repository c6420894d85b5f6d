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

namespace ReferralHub.Transfers.Withdraw;

/// <summary>POST /api/v1/transfers/{id}/withdraw (role referrer or supervisor of the sending agency): possible until acknowledgement.</summary>
internal static class WithdrawTransfer
{
    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapPost("/{id:guid}/withdraw", HandleAsync).WithName("WithdrawTransfer").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));

    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> HandleAsync(
        Guid id, ClaimsPrincipal user, TransfersDbContext db, TimeProvider clock, ILogger<Transfer> logger, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        if (transfer.SendingAgency != agency) return Problems.Forbidden("Only the sending agency withdraws a transfer.");
        if (transfer.Status == TransferStatuses.Withdrawn) return TypedResults.Ok(TransferViews.ToView(transfer, agency!));
        if (Transfer.Terminal.Contains(transfer.Status))
            return Problems.Conflict($"The transfer is {transfer.Status}; it can no longer be withdrawn.");

        TransferSteps.MoveTo(db, transfer, TransferStatuses.Withdrawn, null, user.ClientOrUserId(), clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("The transfer changed at the same time (perhaps it was acknowledged); read it and try again.");
        }
        logger.LogInformation("Transfer {TransferId} withdrawn by agency {Agency}", transfer.Id, agency);
        return TypedResults.Ok(TransferViews.ToView(transfer, agency!));
    }
}
