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

    /// <summary>
    /// The agency the referral reports to (token <c>agency</c> claim); only it may read, list, withdraw and export. The
    /// referring agency, until a case transfer hands the open referrals of the case to the receiving agency.
    /// </summary>
    public required string AgencyCode { get; set; }

    /// <summary>That agency's case code: a code that does not identify the child (seed 001).</summary>
    public required string CaseCode { get; set; }

    /// <summary>
    /// The agency that made the referral, for good: its consent record governs the release (the child consented to
    /// this referral there), its Idempotency-Key space holds the key, and the personal data stays encrypted under its
    /// case scope. Differs from <see cref="AgencyCode"/> only after a case transfer.
    /// </summary>
    public string OriginAgencyCode { get; set; } = "";

    public string OriginCaseCode { get; set; } = "";

    /// <summary>The transfer that last moved the referral to another agency (null if it never moved).</summary>
    public Guid? TransferId { get; set; }

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

    /// <summary>
    /// What the consent withholds from the organisation the referral is offered to (ReferralItems codes, JSON), as the
    /// registry answered when routing offered it; null when not known (then the provider's summary shows the age band
    /// only). The release gate removes these items from the summary before acceptance.
    /// </summary>
    public string? OfferWithheldJson { get; set; }

    /// <summary>
    /// When the case's consent was withdrawn while this referral was already accepted (or later): from then on the
    /// release gate serves nothing personal of it and no note is written either way (docs/data-protection.md).
    /// </summary>
    public DateTime? ConsentWithdrawnAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int Version { get; set; }

    public bool IsOpenForOffer => Status is ReferralStatuses.Offered;

    public bool CanBeWithdrawn => Status is not (ReferralStatuses.Completed or ReferralStatuses.Withdrawn);

    /// <summary>Not yet accepted: what a consent withdrawal withdraws.</summary>
    public bool IsBeforeAcceptance => Status is ReferralStatuses.Submitted or ReferralStatuses.Offered or ReferralStatuses.Declined;
}

/// <summary>
/// One entry of an agency's notification stream: every referral change is timestamped and kept; the change feed and
/// webhooks read it. Transfer steps of the agency's cases are kept here too (<see cref="Kind"/> <c>transfer</c>), so
/// one webhook registration delivers referral and transfer events in one order (docs/transfers.md).
/// </summary>
public sealed class ReferralChange
{
    public const string ReferralKind = "referral";
    public const string TransferKind = "transfer";

    /// <summary>Global order; the change feed's cursor.</summary>
    public long Sequence { get; set; }

    public string Kind { get; set; } = ReferralKind;

    /// <summary>The referral (<see cref="Guid.Empty"/> for a transfer step).</summary>
    public Guid ReferralId { get; set; }

    /// <summary>The transfer of a transfer step; for a referral, the transfer that moved it to this agency, if any.</summary>
    public Guid? TransferId { get; set; }

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
