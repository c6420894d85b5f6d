namespace ReferralHub.Contracts.Referrals;

// Referral routing's messages. Ids, codes, statuses and times only: the referral's personal data never travels on the
// bus (it stays encrypted in the routing service's database and is released over HTTPS to the accepting provider).

/// <summary>Event: a referral was stored and waits for its consent pre-check and offer (routing consumes it).</summary>
public sealed record ReferralSubmitted(
    Guid ReferralId,
    string AgencyCode,
    string ServiceType,
    string? AreaCode,
    string Priority,
    int RoutingStep,
    DateTime SubmittedAt);

/// <summary>
/// Command (routing to itself): offer the referral to the next service of its pathway, after a decline or when the
/// response deadline passed on a pathway that re-offers. <see cref="RoutingStep"/> makes a stale copy harmless.
/// </summary>
public sealed record OfferToNextService(Guid ReferralId, int RoutingStep);

/// <summary>
/// Event: every status change of a referral, in order per referral (<see cref="Version"/>). <see cref="Status"/> is
/// one of <c>ReferralStatuses</c>; <see cref="Reason"/> is a code (consent denial, decline reason, withdrawal reason).
/// </summary>
public sealed record ReferralStatusChanged(
    Guid ReferralId,
    string AgencyCode,
    string Status,
    string? Reason,
    string? OrganisationCode,
    Guid? ServiceId,
    bool Overdue,
    int Version,
    DateTime ChangedAt);

/// <summary>
/// Event: a referral was not answered by its priority deadline; addressed to the area's child protection focal points
/// (from the directory). No personal data: the focal point opens the referral in the hub to act.
/// </summary>
public sealed record ReferralEscalated(
    Guid ReferralId,
    string AgencyCode,
    string? AreaCode,
    string ServiceType,
    string Priority,
    string? OrganisationCode,
    IReadOnlyList<Guid> FocalPointIds,
    DateTime DeadlineAt,
    DateTime EscalatedAt);

public static class ReferralStatuses
{
    public const string Submitted = "submitted";
    public const string BlockedConsent = "blocked-consent";
    public const string Offered = "offered";
    public const string Declined = "declined";
    public const string Unplaced = "unplaced";
    public const string Accepted = "accepted";
    public const string InService = "in-service";
    public const string Completed = "completed";
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } =
        [Submitted, BlockedConsent, Offered, Declined, Unplaced, Accepted, InService, Completed, Withdrawn];
}
