namespace ReferralHub.Contracts.Consent;

/// <summary>
/// Event: the consent of a case was withdrawn; nothing more may be released for it. Referral routing and transfer
/// handover withdraw what is not yet accepted/acknowledged. Carries no reason: the provider is told only "withdrawn".
/// </summary>
public sealed record ConsentWithdrawn(
    string AgencyCode,
    string CaseCode,
    Guid ConsentId,
    int Version,
    DateTime WithdrawnAt);
