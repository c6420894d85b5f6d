using ReferralHub.Contracts.Referrals;

namespace ReferralHub.Referrals.Model;

/// <summary>
/// One referral: a plain domain object whose <see cref="Version"/> is the optimistic concurrency token, so two
/// concurrent answers cannot both move it (see docs/referrals.md). Clear-text columns are ids, codes, statuses and
/// times; every personal item lives in the encrypted <see cref="PayloadProtected"/>/<see cref="SummaryProtected"/>.
/// </summary>
public sealed class Referral
{
    public Guid Id { get; set; }

    /// <summary>The referring agency (token <c>agency</c> claim); only it may read, list, withdraw and export.</summary>
    public required string AgencyCode { get; set; }

    /// <summary>The referring agency's case code: a code that does not identify the child (seed 001).</summary>
    public required string CaseCode { get; set; }

    public required string SubmittedBy { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>Hash of the request, encrypted (a bare hash of a name and birth date could be guessed).</summary>
    public required string RequestHashProtected { get; set; }

    public required string ServiceType { get; set; }

    public string? AreaCode { get; set; }

    public Guid? TargetServiceId { get; set; }

    public required string Priority { get; set; }

    public string Status { get; set; } = ReferralStatuses.Submitted;

    /// <summary>A code: consent denial reason, decline reason, withdrawal reason, routing outcome.</summary>
    public string? StatusReason { get; set; }

    /// <summary>Services of the pathway in order, with their organisation codes (no personal data), as JSON.</summary>
    public string CandidatesJson { get; set; } = "[]";

    public int OfferIndex { get; set; } = -1;

    /// <summary>Incremented whenever routing moves on, so a stale routing message does nothing.</summary>
    public int RoutingStep { get; set; }

    public bool ReofferToNext { get; set; }

    /// <summary>The area's child protection focal point ids (staff contacts from the directory), as JSON.</summary>
    public string EscalationFocalPointsJson { get; set; } = "[]";

    public Guid? ServiceId { get; set; }

    public string? OrganisationCode { get; set; }

    public DateTime? OfferedAt { get; set; }

    public DateTime? DeadlineAt { get; set; }

    public bool Overdue { get; set; }

    public DateTime? OverdueAt { get; set; }

    public DateTime? RespondedAt { get; set; }

    public DateTime? AcceptedAt { get; set; }

    public DateTime? ServiceStartedOn { get; set; }

    public DateTime? ServiceCompletedOn { get; set; }

    public string? DeclineReason { get; set; }

    public string? DeclineDetailsProtected { get; set; }

    public string? ChildSatisfaction { get; set; }

    public string? CaregiverSatisfaction { get; set; }

    /// <summary>The Services Provided form's personal parts (details, recommendations, provider focal point, suggestions).</summary>
    public string? ServiceReportProtected { get; set; }

    /// <summary>The full personal payload (<see cref="ReferralPayload"/>), encrypted under the case's scope.</summary>
    public required string PayloadProtected { get; set; }

    /// <summary>The provider's minimal summary (age band, sex, languages, communication needs), encrypted.</summary>
    public required string SummaryProtected { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; }

    public bool IsOpenForOffer => Status is ReferralStatuses.Offered;

    public bool CanBeWithdrawn => Status is not (ReferralStatuses.Completed or ReferralStatuses.Withdrawn);

    /// <summary>Not yet accepted: what a consent withdrawal withdraws.</summary>
    public bool IsBeforeAcceptance => Status is ReferralStatuses.Submitted or ReferralStatuses.Offered or ReferralStatuses.Declined;
}

/// <summary>One entry of the history: every change is timestamped and kept; the change feed and webhooks read it.</summary>
public sealed class ReferralChange
{
    /// <summary>Global order; the change feed's cursor.</summary>
    public long Sequence { get; set; }

    public Guid ReferralId { get; set; }

    public required string AgencyCode { get; set; }

    public required string Status { get; set; }

    public string? Reason { get; set; }

    public string? OrganisationCode { get; set; }

    public Guid? ServiceId { get; set; }

    public bool Overdue { get; set; }

    public int Version { get; set; }

    public DateTime ChangedAt { get; set; }
}

/// <summary>A release of personal data to a provider: which items, to whom, when, under which consent or override.</summary>
public sealed class ReferralRelease
{
    public Guid Id { get; set; }

    public Guid ReferralId { get; set; }

    public required string OrganisationCode { get; set; }

    public Guid ServiceId { get; set; }

    public Guid? FocalPointId { get; set; }

    public string? FocalPointName { get; set; }

    /// <summary>The released <c>ReferralItems</c> codes, as JSON.</summary>
    public required string ItemsJson { get; set; }

    /// <summary>Items the consent withheld from this recipient, as JSON.</summary>
    public required string WithheldJson { get; set; }

    public required string ProfileVersion { get; set; }

    public Guid? ConsentId { get; set; }

    public int? ConsentVersion { get; set; }

    public Guid? OverrideId { get; set; }

    public Guid DecisionId { get; set; }

    public required string ReleasedBy { get; set; }

    public DateTime ReleasedAt { get; set; }
}

/// <summary>A follow-up message between the referrer and the provider; its text is encrypted.</summary>
public sealed class ReferralNote
{
    public Guid Id { get; set; }

    public Guid ReferralId { get; set; }

    public required string AuthorAgency { get; set; }

    public required string AuthorSide { get; set; }

    public required string TextProtected { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A candidate service of the pathway, as routing stored it.</summary>
public sealed record Candidate(Guid ServiceId, string OrganisationCode, string ServiceName, Guid? FocalPointId, string? FocalPointName);
