namespace ReferralHub.Contracts.Consent;

/// <summary>
/// Request (answered by the consent registry with <see cref="ConsentDecision"/>): may <paramref name="AgencyCode"/>
/// release case <paramref name="CaseCode"/> to organisation <paramref name="RecipientOrganisation"/> for
/// <paramref name="Purpose"/> (a service-type code, or <c>case-transfer</c>)?
/// <paramref name="ReleaseReference"/> names the single referral or transfer the release is for (<c>referral:{id}</c>,
/// <c>transfer:{id}</c>): a supervisor override covers exactly one reference, and a one-off consent is used up by the
/// first reference it permits with <paramref name="Consume"/> set — asking again for the same reference is answered
/// the same way, so a retried request never uses a consent twice. <paramref name="Consume"/> false is a pre-check
/// (before an offer) that uses nothing up.
/// </summary>
public sealed record CheckConsent(
    string AgencyCode,
    string CaseCode,
    string RecipientOrganisation,
    string Purpose,
    string ReleaseReference,
    bool Consume,
    string RequestedBy);

/// <summary>
/// The registry's answer. Permitted: <see cref="ConsentId"/>/<see cref="ConsentVersion"/> or <see cref="OverrideId"/>
/// say what permits it and <see cref="WithheldItems"/> lists the <c>ReferralItems</c> codes to remove for this
/// recipient. Denied: <see cref="Reason"/> is one of <see cref="ConsentDenialReasons"/>.
/// </summary>
public sealed record ConsentDecision(
    bool Permitted,
    string? Reason,
    Guid? ConsentId,
    int? ConsentVersion,
    Guid? OverrideId,
    IReadOnlyList<string> WithheldItems,
    Guid DecisionId);

public static class ConsentDenialReasons
{
    public const string NoConsent = "no-consent";
    public const string Refused = "refused";
    public const string Expired = "expired";
    public const string Used = "used";
    public const string Withdrawn = "withdrawn";
    public const string RecipientNotCovered = "recipient-not-covered";

    public static IReadOnlyList<string> All { get; } = [NoConsent, Refused, Expired, Used, Withdrawn, RecipientNotCovered];
}
