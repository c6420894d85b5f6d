namespace ReferralHub.Contracts.Transfers;

/// <summary>
/// Event: a transfer step now waits for a person: the receiving agency's capacity answer
/// (<see cref="TransferStatuses.CapacityRequested"/>), the sending agency's supervisor's approval
/// (<see cref="TransferStatuses.AwaitingApproval"/>), or the area's child protection focal point after an unanswered
/// capacity request (<see cref="TransferStatuses.Escalated"/>). Published with the step's
/// <see cref="TransferStatusChanged"/>, for notices to those people; unlike that event it carries no case code.
/// </summary>
public sealed record TransferAwaitingAnswer(
    Guid TransferId,
    string SendingAgency,
    string ReceivingAgency,
    string AreaCode,
    string Urgency,
    string Status,
    DateTime RequestedAt,
    DateTime ChangedAt);
