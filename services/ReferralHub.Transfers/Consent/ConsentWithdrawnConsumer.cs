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
/// A withdrawn consent cancels every transfer of the case not yet acknowledged (a released package becomes
/// unreadable to the receiver: the package endpoints answer only for released or acknowledged transfers).
/// </summary>
public sealed class ConsentWithdrawnConsumer(TransfersDbContext db, ILogger<ConsentWithdrawnConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<ConsentWithdrawn, TransfersDbContext>(db, logger, clock)
{
    protected override async Task HandleAsync(ConsumeContext<ConsentWithdrawn> context)
    {
        var message = context.Message;
        var open = await Db.Transfers
            .Where(t => t.OpenCaseKey == Transfer.OpenKey(message.AgencyCode, message.CaseCode) && t.Status != TransferStatuses.Acknowledged)
            .ToListAsync(context.CancellationToken);
        var now = Clock.GetUtcNow().UtcDateTime;
        foreach (var transfer in open)
        {
            TransferSteps.MoveTo(Db, transfer, TransferStatuses.Cancelled, "consent-withdrawn", "consent-registry", now);
            _log.LogInformation("Transfer {TransferId} cancelled: the case's consent was withdrawn", transfer.Id);
        }
    }

    private readonly ILogger _log = logger;
}
