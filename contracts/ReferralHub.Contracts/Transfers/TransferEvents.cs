namespace ReferralHub.Contracts.Transfers;

// Events of the transfer handover (seeds 000, 001, 004). Ids, codes and statuses only: never a name, a date of birth
// or any other personal item of the case file — those stay encrypted in the transfer service's own database.

/// <summary>
/// Event: a transfer moved to <paramref name="Status"/> (one of <see cref="TransferStatuses"/>). Published for every
/// step so both agencies' systems (and the change feed) can follow it. <paramref name="ReasonCode"/> is a code
/// (decline reason, consent denial reason), never free text.
/// </summary>
public sealed record TransferStatusChanged(
    Guid TransferId,
    string SendingAgency,
    string CaseCode,
    string ReceivingAgency,
    string Status,
    string? ReasonCode,
    DateTime ChangedAt);

/// <summary>
/// Event: the receiving agency acknowledged the handover; from <paramref name="TransferredAt"/> the case's
/// coordination, follow-up and monitoring belong to <paramref name="ReceivingAgency"/>. The sending agency's case
/// <paramref name="SendingAgency"/>/<paramref name="CaseCode"/> is closed as transferred; the receiver's record is
/// <paramref name="ReceivingCaseCode"/> (it keeps the previous agency and case code). Open referrals of
/// <paramref name="SendingAgency"/>/<paramref name="CaseCode"/> should from now on report to the receiving agency.
/// Published exactly once per transfer (through the outbox); consumers must still be idempotent (redelivery).
/// </summary>
public sealed record CaseResponsibilityTransferred(
    Guid TransferId,
    string SendingAgency,
    string CaseCode,
    string ReceivingAgency,
    string ReceivingCaseCode,
    string ReceivingCaseworkerId,
    DateTime TransferredAt);

public static class TransferStatuses
{
    /// <summary>Waiting for the receiving agency's capacity answer (it sees only the non-personal summary).</summary>
    public const string CapacityRequested = "capacity-requested";

    /// <summary>Still capacity-requested, and unanswered for 3 days: escalated to the area's child protection focal point.</summary>
    public const string Escalated = "escalated";

    public const string CapacityDeclined = "capacity-declined";

    /// <summary>Capacity confirmed; the sending agency's supervisor must approve before consent is checked.</summary>
    public const string AwaitingApproval = "awaiting-approval";

    public const string ApprovalRefused = "approval-refused";

    /// <summary>Capacity confirmed (and approved where required); the consent registry is being asked.</summary>
    public const string AwaitingConsent = "awaiting-consent";

    /// <summary>The consent registry denied the case-transfer release: the transfer stops, nothing was released.</summary>
    public const string ConsentDenied = "consent-denied";

    /// <summary>Consent confirmed: the handover package is released to the receiving caseworker.</summary>
    public const string Released = "released";

    /// <summary>The receiver acknowledged: responsibility moved (see <see cref="CaseResponsibilityTransferred"/>).</summary>
    public const string Acknowledged = "acknowledged";

    public const string Withdrawn = "withdrawn";

    /// <summary>The case's consent was withdrawn before acknowledgement.</summary>
    public const string Cancelled = "cancelled";
}
