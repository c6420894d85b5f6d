using ReferralHub.Contracts.Transfers;

namespace ReferralHub.Transfers.Model;

/// <summary>
/// One transfer of a case from the sending agency to a receiving case management agency. Only codes and the
/// non-personal capacity summary are stored in clear; every personal item is a <see cref="TransferItem"/> or
/// <see cref="TransferAttachment"/> encrypted under the sending agency's case scope.
/// </summary>
public sealed class Transfer
{
    public Guid Id { get; set; }
    public required string SendingAgency { get; set; }
    public required string CaseCode { get; set; }
    public required string RequestedBy { get; set; }
    public string? IdempotencyKey { get; set; }
    public required string Reason { get; set; }

    /// <summary>The good-cause text may describe the child: encrypted.</summary>
    public string? ProtectedReasonText { get; set; }

    public required string ReceivingAgency { get; set; }
    public required string AreaCode { get; set; }
    public required string Urgency { get; set; }

    // Capacity-check summary (seed 000: "explain the case without sharing the case personal information").
    public required string AgeBand { get; set; }
    public required string Sex { get; set; }
    public List<string> ProtectionConcerns { get; set; } = [];
    public required string RiskLevel { get; set; }
    public List<string> Languages { get; set; } = [];

    public required string Status { get; set; }

    /// <summary>"{agency}/{case}" while the transfer is open, null once it ended: a unique index allows one open transfer per case.</summary>
    public string? OpenCaseKey { get; set; }

    public bool ApprovalRequired { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTime? ApprovedAt { get; set; }

    public string? ReceivingCaseworkerId { get; set; }
    public string? CapacityAnsweredBy { get; set; }
    public DateTime? CapacityAnsweredAt { get; set; }
    public string? DeclineReason { get; set; }
    public DateTime? EscalatedAt { get; set; }
    public List<string> EscalatedTo { get; set; } = [];

    /// <summary>The transfer's area and its ancestors at escalation: the focal points of any of them see it.</summary>
    public List<string> EscalationAreas { get; set; } = [];

    public string? ConsentDenialReason { get; set; }
    public DateTime? ReleasedAt { get; set; }

    public string? AcknowledgedBy { get; set; }
    public DateTime? AcknowledgedAt { get; set; }
    public string? ReceivingCaseCode { get; set; }

    public string? EndedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: every change increments it, a concurrent change fails with 409.</summary>
    public int Version { get; set; }

    public List<TransferItem> Items { get; set; } = [];

    public bool IsOpen => OpenCaseKey is not null;

    public static string OpenKey(string agency, string caseCode) => $"{agency}/{caseCode}";

    public static readonly IReadOnlySet<string> Terminal = new HashSet<string>(StringComparer.Ordinal)
    {
        TransferStatuses.CapacityDeclined, TransferStatuses.ApprovalRefused, TransferStatuses.ConsentDenied,
        TransferStatuses.Acknowledged, TransferStatuses.Withdrawn, TransferStatuses.Cancelled,
    };
}

/// <summary>One personal item of the case summary (a ReferralItems code), encrypted.</summary>
public sealed class TransferItem
{
    public Guid Id { get; set; }
    public Guid TransferId { get; set; }
    public required string Item { get; set; }
    public required string ProtectedValue { get; set; }
}

/// <summary>A case file document; name and content encrypted, type and size in clear for the limits.</summary>
public sealed class TransferAttachment
{
    public Guid Id { get; set; }
    public Guid TransferId { get; set; }

    /// <summary>The ReferralItems code the document belongs to, so a consent withhold of that item keeps it back.</summary>
    public required string Item { get; set; }
    public required string ProtectedFileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required byte[] ProtectedContent { get; set; }
    public string? UploadedBy { get; set; }
    public DateTime UploadedAt { get; set; }
}

/// <summary>Record of a release of the handover package: who received which fields and documents, when, under which consent.</summary>
public sealed class TransferRelease
{
    public Guid Id { get; set; }
    public Guid TransferId { get; set; }
    public required string RecipientAgency { get; set; }
    public required string RecipientCaseworkerId { get; set; }
    public List<string> Items { get; set; } = [];
    public List<Guid> AttachmentIds { get; set; } = [];
    public List<string> WithheldItems { get; set; } = [];
    public Guid? ConsentId { get; set; }
    public int? ConsentVersion { get; set; }
    public Guid? OverrideId { get; set; }
    public Guid DecisionId { get; set; }
    public DateTime ReleasedAt { get; set; }
}

/// <summary>The change feed both agencies read (GET /api/v1/transfers/changes): one row per step.</summary>
public sealed class TransferChange
{
    public long Sequence { get; set; }
    public Guid TransferId { get; set; }
    public required string SendingAgency { get; set; }
    public required string ReceivingAgency { get; set; }
    public required string Status { get; set; }
    public string? ReasonCode { get; set; }
    public DateTime ChangedAt { get; set; }
}

/// <summary>Where a case stands after transfers: the sender's case closed as transferred, the receiver's keeps where it came from.</summary>
public sealed class CaseRecord
{
    public Guid Id { get; set; }
    public required string Agency { get; set; }
    public required string CaseCode { get; set; }
    public required string Status { get; set; }
    public string? PreviousAgency { get; set; }
    public string? PreviousCaseCode { get; set; }
    public string? CaseworkerId { get; set; }
    public Guid TransferId { get; set; }
    public DateTime UpdatedAt { get; set; }

    public const string ClosedTransferred = "closed-transferred";
    public const string ReceivedByTransfer = "received-by-transfer";
}
