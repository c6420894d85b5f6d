namespace ReferralHub.Contracts.Consent;

/// <summary>
/// Request (answered by the consent registry with <see cref="ReferralsConsentDecisions"/>): routing's consent pre-check
/// for a batch of new referrals in ONE round trip instead of one <see cref="CheckConsentForCandidates"/> per referral.
/// Each item is decided and logged exactly as that request would be (Consume = false: nothing is used up; consent is
/// checked again, and used, at release). Two messages per batch instead of two per referral (issue 17).
/// </summary>
public sealed record CheckConsentForReferrals(IReadOnlyList<CheckConsentForCandidates> Referrals);

/// <summary>The registry's answer to <see cref="CheckConsentForReferrals"/>: one answer per item, in the request's order.</summary>
public sealed record ReferralsConsentDecisions(IReadOnlyList<CandidatesConsentDecision> Referrals);
