namespace ReferralHub.Contracts.Referrals;

/// <summary>
/// Event: a referral was offered to a provider's service and waits for its answer by <see cref="DeadlineAt"/>. Carries
/// what a notice to the provider's focal points may say (service type, priority, deadline) and nothing about the child:
/// no case code, no name, no narrative. Published with the <see cref="ReferralStatusChanged"/> of the offer (same outbox
/// transaction); a re-offer to the next service publishes a new one. <see cref="Version"/> is the referral's version
/// after the offer, the same as that status change's, so a consumer can order it among the referral's other changes.
/// </summary>
public sealed record ReferralOffered(
    Guid ReferralId,
    string OrganisationCode,
    Guid? ServiceId,
    string ServiceType,
    string Priority,
    string? AreaCode,
    DateTime DeadlineAt,
    DateTime OfferedAt,
    int Version);
