using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Cases;

/// <summary>
/// A case moved to another agency (transfer acknowledged): its open referrals now report to the receiving agency under
/// the receiver's case code, so the provider's answers, notes and the deadline escalations reach whoever follows the
/// child up now (seed 001, case transfer). Closed referrals stay in the sending agency's history. The sending agency's
/// change feed gets a last entry (<c>case-transferred</c>); it keeps read access to its own record up to the move, and
/// the receiving agency reads nothing of the referral form (the release gate decides both); consent and encryption stay
/// with the referral's origin (<see cref="Model.Referral.OriginAgencyCode"/>).
/// </summary>
public sealed class CaseResponsibilityTransferredConsumer(ReferralsDbContext db, ILogger<CaseResponsibilityTransferredConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<CaseResponsibilityTransferred, ReferralsDbContext>(db, logger, clock)
{
    public const string Reason = "case-transferred";

    protected override async Task HandleAsync(ConsumeContext<CaseResponsibilityTransferred> context)
    {
        var message = context.Message;
        var open = await Db.Referrals
            .Where(r => r.AgencyCode == message.SendingAgency && r.CaseCode == message.CaseCode
                && r.Status != ReferralStatuses.Completed && r.Status != ReferralStatuses.Withdrawn)
            .ToListAsync(context.CancellationToken);
        var now = Clock.GetUtcNow().UtcDateTime;
        foreach (var referral in open)
        {
            // Two history entries: the sender's last word on it, then the receiver's first.
            Db.Record(referral, Reason, now, Clock);
            referral.AgencyCode = message.ReceivingAgency;
            referral.CaseCode = message.ReceivingCaseCode;
            referral.TransferId = message.TransferId;
            Db.Record(referral, Reason, now, Clock);
        }
        if (open.Count > 0)
            logger.LogInformation("Transfer {TransferId}: {Count} open referral(s) now report to {Agency}", message.TransferId, open.Count, message.ReceivingAgency);
    }
}
