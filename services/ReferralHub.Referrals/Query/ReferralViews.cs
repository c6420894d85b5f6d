using ReferralHub.Referrals.Model;

namespace ReferralHub.Referrals.Query;

/// <summary>
/// A referral as one caller may see it, built only by the <see cref="Release.ReleaseGate"/>. The referring agency sees
/// everything it sent plus history and releases; the provider sees the minimal summary while offered, then only the
/// released need-to-know items; <see cref="ConsentWithdrawn"/> says the consent was withdrawn (then
/// <see cref="Notice"/> tells the provider what to do). <see cref="KeptBack"/> names (never shows) the items the service
/// would need that the child or family kept back from it, so the provider does not ask the child about them.
/// </summary>
public sealed record ReferralView(
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
    ReferralSummary? Summary,
    ReferralPayload? Payload,
    IReadOnlyList<string>? ReleasedItems,
    ServiceOutcome? Service,
    DeclineInfo? Decline,
    IReadOnlyList<HistoryEntry>? History,
    IReadOnlyList<ReleaseEntry>? Releases,
    bool ConsentWithdrawn = false,
    string? Notice = null,
    IReadOnlyList<string>? KeptBack = null);

public sealed record ServiceOutcome(DateOnly? StartedOn, DateOnly? CompletedOn, string? ChildSatisfaction, string? CaregiverSatisfaction, ServiceReport? Report);

public sealed record DeclineInfo(string? Reason, string? Details);

public sealed record HistoryEntry(long Sequence, string Status, string? Reason, string? OrganisationCode, bool Overdue, int Version, DateTime ChangedAt);

public sealed record ReleaseEntry(Guid Id, string OrganisationCode, Guid ServiceId, Guid? FocalPointId, string? FocalPointName,
    IReadOnlyList<string> Items, IReadOnlyList<string> Withheld, string ProfileVersion, Guid? ConsentId, int? ConsentVersion, Guid? OverrideId, DateTime ReleasedAt);
