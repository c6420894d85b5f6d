namespace ReferralHub.Contracts.Consent;

/// <summary>
/// Request (answered by the consent registry with <see cref="CandidatesConsentDecision"/>): routing's consent
/// pre-check for the services of a pathway, in the pathway's order, in ONE round trip instead of one
/// <see cref="CheckConsent"/> per service. The registry decides for each recipient in turn exactly as for a
/// <see cref="CheckConsent"/> with <c>Consume = false</c> (nothing is used up: consent is checked again, and used, at
/// release), logs each decision, and stops at the first decision that is not
/// <see cref="ConsentDenialReasons.RecipientNotCovered"/> — a permit, or a denial that holds for every recipient.
/// </summary>
public sealed record CheckConsentForCandidates(
    string AgencyCode,
    string CaseCode,
    IReadOnlyList<string> RecipientOrganisations,
    string Purpose,
    string ReleaseReference,
    string RequestedBy);

/// <summary>
/// The registry's answer to <see cref="CheckConsentForCandidates"/>: one decision per recipient, in the request's
/// order, up to and including the first that is not "recipient not covered" (so possibly fewer than asked).
/// </summary>
public sealed record CandidatesConsentDecision(IReadOnlyList<ConsentDecision> Decisions);
