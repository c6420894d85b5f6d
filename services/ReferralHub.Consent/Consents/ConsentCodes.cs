using System.Text.RegularExpressions;
using ReferralHub.Consent.Persistence;
using ReferralHub.Contracts.Taxonomy;

namespace ReferralHub.Consent.Consents;

/// <summary>The wire codes of the registry's enumerations and the formats of the codes it accepts.</summary>
public static partial class ConsentCodes
{
    public static readonly IReadOnlyDictionary<string, ConsentGiver> Givers = new Dictionary<string, ConsentGiver>(StringComparer.Ordinal)
    {
        ["child-consent"] = ConsentGiver.ChildConsent,
        ["child-assent"] = ConsentGiver.ChildAssent,
        ["caregiver"] = ConsentGiver.Caregiver,
        ["supervisor-authorisation"] = ConsentGiver.SupervisorAuthorisation,
    };

    public static readonly IReadOnlyDictionary<string, WithholdReason> WithholdReasons = new Dictionary<string, WithholdReason>(StringComparer.Ordinal)
    {
        ["fear-of-harm"] = WithholdReason.FearOfHarm,
        ["wants-to-tell-themselves"] = WithholdReason.WantsToTellThemselves,
        ["other"] = WithholdReason.Other,
    };

    /// <summary>Route words under /api/v1/consents that a case code may not take, so no case hides behind an endpoint.</summary>
    public static readonly IReadOnlySet<string> ReservedCaseCodes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "check", "overrides", "statistics",
    };

    public static string Code(ConsentGiver giver) => Givers.First(g => g.Value == giver).Key;

    public static string Code(WithholdReason reason) => WithholdReasons.First(r => r.Value == reason).Key;

    public static string Code(ConsentStatus status) => status == ConsentStatus.Active ? "active" : "withdrawn";

    /// <summary>What a consent can grant under "share for service provision": a consent category, or case transfer.</summary>
    public static bool IsSharingCode(string? code) => ServiceTypes.IsConsentCategory(code) || code == ServiceTypes.CaseTransferPurpose;

    /// <summary>
    /// The consent box a release purpose needs: a service type's consent category, or <c>case-transfer</c>; null when the
    /// purpose is neither.
    /// </summary>
    public static string? RequiredSharing(string? purpose) =>
        purpose == ServiceTypes.CaseTransferPurpose ? ServiceTypes.CaseTransferPurpose : ServiceTypes.Find(purpose)?.ConsentCategory;

    public static bool IsCaseCode(string? value) => value is not null && CaseCodePattern().IsMatch(value) && !ReservedCaseCodes.Contains(value);

    public static bool IsOrganisationCode(string? value) => value is not null && OrganisationPattern().IsMatch(value);

    public static bool IsReleaseReference(string? value) => value is not null && ReleaseReferencePattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex CaseCodePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex OrganisationPattern();

    [GeneratedRegex("^(referral|transfer):[A-Za-z0-9._-]{1,150}$")]
    private static partial Regex ReleaseReferencePattern();
}
