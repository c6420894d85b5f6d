using MassTransit;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Transfers;

/// <summary>
/// Every step of a transfer is told to both agencies through the same signed webhooks as their referrals: one
/// registration per agency, one ordered stream (docs/transfers.md, "Notifications"). Each agency's entry names the
/// other agency; no case code (the receiver must not learn the sender's) and never personal data.
/// </summary>
public sealed class TransferStatusChangedConsumer(ReferralsDbContext db, ILogger<TransferStatusChangedConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<TransferStatusChanged, ReferralsDbContext>(db, logger, clock)
{
    protected override Task HandleAsync(ConsumeContext<TransferStatusChanged> context)
    {
        var message = context.Message;
        Db.Changes.Add(Entry(message, message.SendingAgency, message.ReceivingAgency));
        Db.Changes.Add(Entry(message, message.ReceivingAgency, message.SendingAgency));
        return Task.CompletedTask;
    }

    private static ReferralChange Entry(TransferStatusChanged message, string agency, string otherAgency) => new()
    {
        Kind = ReferralChange.TransferKind,
        TransferId = message.TransferId,
        AgencyCode = agency,
        Status = message.Status,
        Reason = message.ReasonCode,
        OrganisationCode = otherAgency,
        ChangedAt = message.ChangedAt,
    };
}
