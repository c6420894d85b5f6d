using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Capacity;
using ReferralHub.Transfers.Package;
using ReferralHub.Transfers.Query;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Acknowledge;

/// <summary>
/// The receiver's own case code for the child (defaults to the sender's when the consent releases it to the receiver,
/// else a fresh one); the receiver's case record keeps the previous one only when it was released.
/// </summary>
public sealed record AcknowledgeBody(string? ReceivingCaseCode);

/// <summary>
/// POST /api/v1/transfers/{id}/acknowledge (receiving agency): responsibility moves. Idempotent: a repeat answers the
/// same and publishes nothing; <see cref="CaseResponsibilityTransferred"/> is written to the outbox exactly once,
/// in the same transaction as the status change (the version check stops a concurrent second acknowledgement).
/// </summary>
internal static class AcknowledgeTransfer
{
    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapPost("/{id:guid}/acknowledge", HandleAsync).WithName("AcknowledgeTransfer").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(AnswerCapacity.ReceiverRoles));

    private static async Task<Results<Ok<TransferView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, AcknowledgeBody? body, ClaimsPrincipal user, TransfersDbContext db, TimeProvider clock,
        ILogger<AcknowledgeBody> logger, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var transfer = await TransferQueries.FindForAsync(db, id, agency, cancellationToken);
        if (transfer is null) return Problems.NotFound("No such transfer for your agency.");
        if (transfer.ReceivingAgency != agency) return Problems.Forbidden("Only the receiving agency acknowledges a transfer.");
        if (body?.ReceivingCaseCode is { } code && !TransferCodes.IsCode(code))
            return Problems.Invalid("receivingCaseCode", "A case code (letters, digits, '.', '_' or '-', up to 64 characters).");
        if (transfer.Status == TransferStatuses.Acknowledged) return TypedResults.Ok(TransferViews.ToView(transfer, agency!));
        if (transfer.Status != TransferStatuses.Released)
            return Problems.Conflict($"The transfer is {transfer.Status}; only a released handover package can be acknowledged.");

        // What the receiver may know of the sender's case code is the gate's answer (a consent item): when it is
        // withheld, the receiver's own code cannot default to it, so the case gets a fresh code instead.
        var release = await db.Releases.AsNoTracking().SingleAsync(r => r.TransferId == id, cancellationToken);
        var previousCaseCode = PackageGate.PreviousCaseCode(transfer, release);
        var receivingCaseCode = body?.ReceivingCaseCode ?? previousCaseCode ?? "C-" + Guid.CreateVersion7().ToString("N")[..20];
        if (await db.Cases.AnyAsync(c => c.Agency == agency && c.CaseCode == receivingCaseCode, cancellationToken))
        {
            // A concurrent acknowledgement of this same transfer may have opened that case a moment ago: a repeat, not a clash.
            var current = await db.Transfers.AsNoTracking().SingleAsync(t => t.Id == id, cancellationToken);
            if (current.Status == TransferStatuses.Acknowledged && current.ReceivingCaseCode == receivingCaseCode)
                return TypedResults.Ok(TransferViews.ToView(current, agency!));
            return Problems.Invalid("receivingCaseCode", $"Your agency already has a case '{receivingCaseCode}'; choose another code.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var subject = user.ClientOrUserId();
        transfer.AcknowledgedAt = now;
        transfer.AcknowledgedBy = subject;
        transfer.ReceivingCaseCode = receivingCaseCode;
        TransferSteps.MoveTo(db, transfer, TransferStatuses.Acknowledged, null, subject, now);

        // The sender's case is closed as transferred; the receiver's record keeps where the case came from.
        var sent = await db.Cases.FirstOrDefaultAsync(c => c.Agency == transfer.SendingAgency && c.CaseCode == transfer.CaseCode, cancellationToken);
        if (sent is null)
        {
            sent = new CaseRecord { Id = Guid.CreateVersion7(), Agency = transfer.SendingAgency, CaseCode = transfer.CaseCode, Status = CaseRecord.ClosedTransferred };
            db.Cases.Add(sent);
        }
        sent.Status = CaseRecord.ClosedTransferred;
        sent.TransferId = transfer.Id;
        sent.UpdatedAt = now;
        db.Cases.Add(new CaseRecord
        {
            Id = Guid.CreateVersion7(), Agency = agency!, CaseCode = receivingCaseCode, Status = CaseRecord.ReceivedByTransfer,
            PreviousAgency = transfer.SendingAgency, PreviousCaseCode = previousCaseCode, CaseworkerId = transfer.ReceivingCaseworkerId,
            TransferId = transfer.Id, UpdatedAt = now,
        });
        db.PublishViaOutbox(
            new CaseResponsibilityTransferred(transfer.Id, transfer.SendingAgency, transfer.CaseCode, transfer.ReceivingAgency,
                receivingCaseCode, transfer.ReceivingCaseworkerId!, now),
            transfer.Id.ToString());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent acknowledgement won (version check or the receiver's unique case code): answer as it left it.
            db.ChangeTracker.Clear();
            var current = await db.Transfers.AsNoTracking().SingleAsync(t => t.Id == id, cancellationToken);
            return current.Status == TransferStatuses.Acknowledged
                ? TypedResults.Ok(TransferViews.ToView(current, agency!))
                : Problems.Conflict("The transfer changed at the same time; read it and try again.");
        }
        logger.LogInformation("Transfer {TransferId} acknowledged by agency {Agency}: responsibility moved", transfer.Id, agency);
        return TypedResults.Ok(TransferViews.ToView(transfer, agency!));
    }
}
