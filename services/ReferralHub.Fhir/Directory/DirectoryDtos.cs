namespace ReferralHub.Fhir.Directory;

// The directory REST API's JSON shapes (services/ReferralHub.Directory, docs/directory.md), redeclared: HTTP only.

public sealed record FocalPointDto(Guid Id, string Name, string? Role, string? Phone, string? Email);

public sealed record ServiceDto(
    Guid Id, Guid OrganisationId, string OrganisationCode, string ServiceType, string Name, string? Description,
    IReadOnlyList<string> AreaCodes, int? MinAge, int? MaxAge, IReadOnlyList<string> Sexes, IReadOnlyList<string> ProtectionConcerns,
    IReadOnlyList<string> Languages, string? Hours, string? HowToRefer, bool Accepting, bool AcceptingNow, string? NotAcceptingReason,
    DateTime? NotAcceptingUntil, string? CapacityNote, IReadOnlyList<FocalPointDto> FocalPoints, DateTime? LastReviewedAt,
    string? LastReviewedBy, bool Stale, bool Retired, long Version, DateTime UpdatedAt);

public sealed record OrganisationDto(Guid Id, string Code, string Name, string? Acronym, string Kind, string? Description, string? Website,
    IReadOnlyList<FocalPointDto> FocalPoints, bool Retired, long Version, DateTime UpdatedAt);

public sealed record AreaDto(string Code, string Name, string Level, string? ParentCode, IReadOnlyList<string> AncestorCodes,
    IReadOnlyList<FocalPointDto> FocalPoints, bool Retired, long Version, DateTime UpdatedAt);
