using ReferralHub.Transfers.Model;

namespace ReferralHub.Transfers.Query;

public sealed record CapacitySummaryView(string AgeBand, string Sex, IReadOnlyList<string> ProtectionConcerns, string RiskLevel, IReadOnlyList<string> Languages);

/// <summary>
/// What either agency sees of a transfer: codes, statuses and the non-personal summary; never a personal item.
/// <see cref="CaseCode"/> is the sending agency's case code, shown to the sending agency only: for the receiver it is the
/// child's previous case code, a consent-controlled item, so it reads it in the released handover package, and only if
/// the consent does not withhold it (nothing ahead of consent).
/// </summary>
public sealed record TransferView(
    Guid Id,
    string Direction,
    string? CaseCode,
    string SendingAgency,
    string ReceivingAgency,
    string AreaCode,
    string Reason,
    string Urgency,
    CapacitySummaryView Capacity,
    string Status,
    bool ApprovalRequired,
    DateTime? ApprovedAt,
    string? ReceivingCaseworkerId,
    string? DeclineReason,
    DateTime? EscalatedAt,
    string? ConsentDenialReason,
    DateTime? ReleasedAt,
    DateTime? AcknowledgedAt,
    string? ReceivingCaseCode,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    IReadOnlyList<string> Warnings);

public static class TransferViews
{
    public static TransferView ToView(Transfer t, string callerAgency, IReadOnlyList<string>? warnings = null) => new(
        t.Id,
        t.SendingAgency == callerAgency ? "outgoing" : "incoming",
        t.SendingAgency == callerAgency ? t.CaseCode : null, t.SendingAgency, t.ReceivingAgency, t.AreaCode, t.Reason, t.Urgency,
        new CapacitySummaryView(t.AgeBand, t.Sex, t.ProtectionConcerns, t.RiskLevel, t.Languages),
        t.Status, t.ApprovalRequired, t.ApprovedAt, t.ReceivingCaseworkerId, t.DeclineReason, t.EscalatedAt,
        t.ConsentDenialReason, t.ReleasedAt, t.AcknowledgedAt, t.ReceivingCaseCode, t.CreatedAt, t.UpdatedAt,
        warnings ?? []);
}
