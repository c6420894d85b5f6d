namespace ReferralHub.Fhir.Referrals;

// The REST API's JSON shapes (services/ReferralHub.Referrals, docs/api.md), redeclared here: the facade talks to the
// referral service over HTTP only, like any agency system, and shares no code with it.

public sealed record SubmitBody(
    string? CaseCode,
    string? Priority,
    string? ServiceType,
    string? AreaCode,
    Guid? ServiceId,
    ConsentStatementDto? Consent,
    DateOnly? ReferralDate,
    string? ReferralType,
    ReferrerContactDto? ReferredBy,
    ChildDto? Child,
    CaregiverDto? Caregiver,
    string? ReasonForReferral,
    string? CaseHistory,
    string? ExpectedOutcome);

public sealed record SubmitAnswer(Guid Id, string Status, string? Reason, string Location, bool Replayed);

public sealed record ConsentStatementDto(bool? Given, string? ReasonIfNot);

public sealed record ReferrerContactDto(string? Name, string? Position, string? Phone, string? Email, string? Location);

public sealed record ChildDto(
    string? FirstName = null,
    string? MiddleName = null,
    string? LastName = null,
    string? OtherNames = null,
    DateOnly? DateOfBirth = null,
    bool? DateOfBirthEstimated = null,
    string? Sex = null,
    string? NationalId = null,
    string? UnhcrId = null,
    string? OtherId = null,
    string? PreviousCaseCode = null,
    IReadOnlyList<string>? Languages = null,
    string? CommunicationNeeds = null,
    string? CurrentLocation = null,
    string? Phone = null);

public sealed record CaregiverDto(
    bool? Informed = null,
    string? NotInformedReason = null,
    string? FirstName = null,
    string? MiddleName = null,
    string? LastName = null,
    string? OtherNames = null,
    DateOnly? DateOfBirth = null,
    bool? DateOfBirthEstimated = null,
    string? Sex = null,
    string? Relationship = null,
    string? CurrentLocation = null,
    string? Phone = null);

public sealed record PayloadDto(
    ConsentStatementDto? Consent,
    DateOnly? ReferralDate,
    string? ReferralType,
    string? ReferredThrough,
    ReferrerContactDto? ReferredBy,
    ChildDto? Child,
    CaregiverDto? Caregiver,
    string? ReasonForReferral,
    string? CaseHistory,
    string? ExpectedOutcome);

public sealed record SummaryDto(string? AgeBand, string? Sex, IReadOnlyList<string>? Languages, string? CommunicationNeeds);

public sealed record ProviderFocalPointDto(string? Name, string? Position, string? Contact, string? Location);

public sealed record ServiceReportDto(string? Details, string? FollowUpRecommendations, ProviderFocalPointDto? ProvidedBy, string? ChildSuggestions, string? CaregiverSuggestions);

public sealed record ServiceOutcomeDto(DateOnly? StartedOn, DateOnly? CompletedOn, string? ChildSatisfaction, string? CaregiverSatisfaction, ServiceReportDto? Report);

public sealed record DeclineDto(string? Reason, string? Details);

/// <summary>GET /api/v1/referrals/{id}: the referrer's full view, or the provider's (summary before acceptance).</summary>
public sealed record ReferralDto(
    Guid Id,
    string Status,
    string? Reason,
    string ServiceType,
    string Priority,
    string? AreaCode,
    string? CaseCode,
    Guid? ServiceId,
    string? OrganisationCode,
    DateTime? OfferedAt,
    DateTime? DeadlineAt,
    bool Overdue,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    SummaryDto? Summary,
    PayloadDto? Payload,
    IReadOnlyList<string>? ReleasedItems,
    ServiceOutcomeDto? Service,
    DeclineDto? Decline);

public sealed record PageDto<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record IdItem(Guid Id);

public sealed record CompleteBody(
    DateOnly? StartedOn,
    DateOnly? CompletedOn,
    string? Details,
    string? FollowUpRecommendations,
    ProviderFocalPointDto? ProvidedBy,
    string? ChildSatisfaction,
    string? ChildSuggestions,
    string? CaregiverSuggestions,
    string? CaregiverSatisfaction);
