using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Consent;

/// <summary>
/// A supervisor authorised this transfer's release without consent (seed grounds only): a transfer stopped for want of
/// consent goes back to awaiting consent, and the consent check runs again at once (the override permits it and is used
/// up by it). Only while no other transfer of the case has been opened meanwhile.
/// </summary>
public sealed class SupervisorOverrideConsumer(TransfersDbContext db, TransferSteps steps, ILogger<SupervisorOverrideConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<SupervisorOverrideRecorded, TransfersDbContext>(db, logger, clock)
{
    public const string Reason = "override-authorised";

    public override async Task Consume(ConsumeContext<SupervisorOverrideRecorded> context)
    {
        await base.Consume(context);
        // After the commit, outside the inbox transaction: the consent round trip must not hold the database.
        if (context.Message.ReferenceId("transfer") is not { } id) return;
        Db.ChangeTracker.Clear();
        var transfer = await Db.Transfers.SingleOrDefaultAsync(t => t.Id == id, context.CancellationToken);
        if (transfer is { Status: TransferStatuses.AwaitingConsent }) await steps.CheckConsentAndReleaseAsync(transfer, context.CancellationToken);
    }

    protected override async Task HandleAsync(ConsumeContext<SupervisorOverrideRecorded> context)
    {
        var message = context.Message;
        if (message.ReferenceId("transfer") is not { } id) return;
        var transfer = await Db.Transfers.SingleOrDefaultAsync(
            t => t.Id == id && t.SendingAgency == message.AgencyCode && t.CaseCode == message.CaseCode, context.CancellationToken);
        if (transfer is not { Status: TransferStatuses.ConsentDenied }) return;

        var key = Transfer.OpenKey(transfer.SendingAgency, transfer.CaseCode);
        if (await Db.Transfers.AnyAsync(t => t.OpenCaseKey == key, context.CancellationToken))
        {
            logger.LogInformation("Override {OverrideId}: transfer {TransferId} not resumed, another transfer of the case is open", message.OverrideId, transfer.Id);
            return;
        }

        transfer.OpenCaseKey = key;
        transfer.EndedBy = null;
        transfer.ConsentDenialReason = null;
        TransferSteps.MoveTo(Db, transfer, TransferStatuses.AwaitingConsent, Reason, message.OverrideId.ToString(), Clock.GetUtcNow().UtcDateTime);
        logger.LogInformation("Override {OverrideId}: transfer {TransferId} awaiting consent again", message.OverrideId, transfer.Id);
    }
}
