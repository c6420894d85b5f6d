using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Handover;

/// <summary>
/// Moves a transfer along. Every status change writes the change-feed row and the <see cref="TransferStatusChanged"/>
/// event in the same SaveChanges (outbox). The consent check happens only once capacity is confirmed and, where the
/// sending agency requires it, its supervisor approved: seed 001, "the child's case file must NOT be handed over until
/// the child/family has been contacted to ask whether they consent".
/// </summary>
public sealed class TransferSteps(
    TransfersDbContext db, IRequestClient<CheckConsent> consent, TimeProvider clock, ILogger<TransferSteps> logger)
{
    public static void RecordChange(TransfersDbContext db, Transfer transfer, string status, string? reasonCode, DateTime now)
    {
        db.Changes.Add(new TransferChange
        {
            TransferId = transfer.Id, SendingAgency = transfer.SendingAgency, ReceivingAgency = transfer.ReceivingAgency,
            Status = status, ReasonCode = reasonCode, ChangedAt = now,
        });
        db.PublishViaOutbox(
            new TransferStatusChanged(transfer.Id, transfer.SendingAgency, transfer.CaseCode, transfer.ReceivingAgency, status, reasonCode, now),
            transfer.Id.ToString());
        // A step that waits for a person: the portal tells them (no case code in this one).
        if (status is TransferStatuses.CapacityRequested or TransferStatuses.AwaitingApproval or TransferStatuses.Escalated)
            db.PublishViaOutbox(new TransferAwaitingAnswer(transfer.Id, transfer.SendingAgency, transfer.ReceivingAgency, transfer.AreaCode,
                transfer.Urgency, status, transfer.CreatedAt, now), transfer.Id.ToString());
    }

    /// <summary>Sets the status (ending the open-transfer lock for a final one) and records the change.</summary>
    public static void MoveTo(TransfersDbContext db, Transfer transfer, string status, string? reasonCode, string? by, DateTime now)
    {
        transfer.Status = status;
        transfer.UpdatedAt = now;
        transfer.Version++;
        if (Transfer.Terminal.Contains(status) && status != TransferStatuses.Acknowledged)
        {
            transfer.OpenCaseKey = null;
            transfer.EndedBy = by;
        }
        else if (status == TransferStatuses.Acknowledged)
        {
            transfer.OpenCaseKey = null;
        }
        RecordChange(db, transfer, status, reasonCode, now);
    }

    /// <summary>
    /// For a transfer in <see cref="TransferStatuses.AwaitingConsent"/>: asks the consent registry (Consume = true, so a
    /// one-off consent is used by this release and a retry is answered the same) and either releases the handover
    /// package or stops the transfer. Saves. A registry that does not answer leaves it awaiting consent for the sweep.
    /// </summary>
    public async Task CheckConsentAndReleaseAsync(Transfer transfer, CancellationToken cancellationToken)
    {
        if (transfer.Status != TransferStatuses.AwaitingConsent) return;
        ConsentDecision decision;
        try
        {
            var response = await consent.GetResponse<ConsentDecision>(
                new CheckConsent(transfer.SendingAgency, transfer.CaseCode, transfer.ReceivingAgency, ServiceTypes.CaseTransferPurpose,
                    $"transfer:{transfer.Id}", Consume: true, transfer.RequestedBy),
                cancellationToken, RequestTimeout.After(s: 30));
            decision = response.Message;
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("Consent registry did not answer for transfer {TransferId}; the sweep asks again", transfer.Id);
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (!decision.Permitted)
        {
            transfer.ConsentDenialReason = decision.Reason;
            MoveTo(db, transfer, TransferStatuses.ConsentDenied, decision.Reason, "consent-registry", now);
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Transfer {TransferId} stopped: consent denied ({Reason})", transfer.Id, decision.Reason);
            return;
        }

        var withheld = decision.WithheldItems.ToHashSet(StringComparer.Ordinal);
        var items = await db.TransferItems.Where(i => i.TransferId == transfer.Id).Select(i => i.Item).ToListAsync(cancellationToken);
        var attachments = await db.Attachments.Where(a => a.TransferId == transfer.Id).Select(a => new { a.Id, a.Item }).ToListAsync(cancellationToken);
        db.Releases.Add(new TransferRelease
        {
            Id = Guid.CreateVersion7(),
            TransferId = transfer.Id,
            RecipientAgency = transfer.ReceivingAgency,
            RecipientCaseworkerId = transfer.ReceivingCaseworkerId!,
            Items = [.. items.Where(i => !withheld.Contains(i)).Order(StringComparer.Ordinal)],
            AttachmentIds = [.. attachments.Where(a => !withheld.Contains(a.Item)).Select(a => a.Id)],
            WithheldItems = [.. withheld.Order(StringComparer.Ordinal)],
            ConsentId = decision.ConsentId,
            ConsentVersion = decision.ConsentVersion,
            OverrideId = decision.OverrideId,
            DecisionId = decision.DecisionId,
            ReleasedAt = now,
        });
        transfer.ReleasedAt = now;
        MoveTo(db, transfer, TransferStatuses.Released, null, "consent-registry", now);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Transfer {TransferId} released to agency {Agency} under consent decision {DecisionId}", transfer.Id, transfer.ReceivingAgency, decision.DecisionId);
    }
}
