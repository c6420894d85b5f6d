namespace ReferralHub.Transfers.Bulk;

/// <summary>A whole-caseload transfer (an agency leaving an area, seed 004): a background job with progress and a consent review report.</summary>
public sealed class BulkTransferJob
{
    public Guid Id { get; set; }
    public required string Agency { get; set; }
    public required string RequestedBy { get; set; }
    public string? IdempotencyKey { get; set; }
    public required string Reason { get; set; }
    public required string Urgency { get; set; }

    /// <summary>"area=agency" pairs: the receiving agency per area.</summary>
    public List<string> Receivers { get; set; } = [];
    public required string Status { get; set; }
    public int Total { get; set; }
    public int Processed { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
}

/// <summary>One case of a bulk job: its non-personal capacity summary and, once processed, what happened to it.</summary>
public sealed class BulkTransferCase
{
    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public int Position { get; set; }
    public required string CaseCode { get; set; }
    public required string AreaCode { get; set; }
    public required string AgeBand { get; set; }
    public required string Sex { get; set; }
    public required string RiskLevel { get; set; }
    public List<string> ProtectionConcerns { get; set; } = [];
    public List<string> Languages { get; set; } = [];

    /// <summary>Null until processed; then one of <see cref="BulkOutcomes"/>.</summary>
    public string? Outcome { get; set; }
    public string? ConsentReason { get; set; }
    public string? ReceivingAgency { get; set; }
    public Guid? TransferId { get; set; }
}

public static class BulkOutcomes
{
    /// <summary>Transfer consent is on record: a transfer was requested (capacity check first, as for one case).</summary>
    public const string Proceeding = "proceeding";

    /// <summary>No transfer consent (none, refused, expired, used, recipient not covered): listed, not handed over.</summary>
    public const string NoConsent = "no-consent";

    /// <summary>The consent was withdrawn: listed, not handed over.</summary>
    public const string ConsentWithdrawn = "consent-withdrawn";

    /// <summary>The case already has an open transfer (e.g. a rerun): nothing new is created.</summary>
    public const string AlreadyTransferring = "already-transferring";

    /// <summary>The case was already handed over by an earlier transfer.</summary>
    public const string AlreadyTransferred = "already-transferred";

    /// <summary>No receiving agency was named for the case's area.</summary>
    public const string NoReceiver = "no-receiver";
}
