namespace ReferralHub.Contracts.Directory;

// Full current snapshots carried by directory events, so other services keep a local copy without calling the
// directory. Focal points are staff contacts published in the service mapping, not a child's personal data.

public sealed record FocalPointSnapshot(Guid Id, string Name, string? Role, string? Phone, string? Email);

public sealed record AreaSnapshot(
    string Code,
    string Name,
    string Level,
    string? ParentCode,
    /// <summary>Codes from the root down to this area's parent, so a consumer can test "is inside" without the tree.</summary>
    IReadOnlyList<string> AncestorCodes,
    /// <summary>The area's child protection focal points (pathway maintainers), who receive escalations.</summary>
    IReadOnlyList<FocalPointSnapshot> ChildProtectionFocalPoints,
    bool Retired,
    long Version);

public sealed record OrganisationSnapshot(
    Guid Id,
    /// <summary>The agency code used in tokens (<c>agency</c> claim) and consent scopes, e.g. <c>agency-b</c>.</summary>
    string Code,
    string Name,
    string? Acronym,
    string Kind,
    IReadOnlyList<FocalPointSnapshot> FocalPoints,
    bool Retired,
    long Version);

public sealed record EligibilitySnapshot(int? MinAge, int? MaxAge, IReadOnlyList<string> Sexes, IReadOnlyList<string> ProtectionConcerns);

public sealed record AcceptingSnapshot(bool Accepting, string? Reason, DateTime? Until);

public sealed record ServiceSnapshot(
    Guid Id,
    Guid OrganisationId,
    string OrganisationCode,
    string ServiceType,
    string Name,
    IReadOnlyList<string> AreaCodes,
    EligibilitySnapshot Eligibility,
    IReadOnlyList<string> Languages,
    AcceptingSnapshot Accepting,
    IReadOnlyList<FocalPointSnapshot> FocalPoints,
    DateTime? LastReviewedAt,
    bool Stale,
    bool Retired,
    long Version);

public sealed record PathwaySnapshot(
    Guid Id,
    string AreaCode,
    string ServiceType,
    /// <summary>First choice first, then the alternates.</summary>
    IReadOnlyList<Guid> ServiceIds,
    /// <summary>On decline or no answer by the deadline, offer the referral to the next service.</summary>
    bool ReofferToNext,
    bool Retired,
    long Version);
