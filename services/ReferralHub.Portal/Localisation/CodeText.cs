using Microsoft.Extensions.Localization;
using ReferralHub.Contracts.Taxonomy;

namespace ReferralHub.Portal.Localisation;

/// <summary>
/// The one translated source of the code lists every page and notice shows: service types, priorities, referral and
/// transfer statuses, decline reasons. Words come from PortalText ("ServiceType.{code}", "Priority.{code}"…) in the
/// person's language; a code without a translation falls back to the taxonomy's English name, then to the code itself.
/// The APIs keep returning the codes unchanged.
/// </summary>
public sealed class CodeText(IStringLocalizer<PortalText> text, DirectoryNames names)
{
    /// <summary>An area by the name the directory gives it ("Camp 1"); its code only when the directory has not said.</summary>
    public string Area(string? code) => code is null ? "" : names.Area(code) ?? code;

    public string Areas(IEnumerable<string>? codes) => codes is null ? "" : string.Join(", ", codes.Select(Area));

    /// <summary>An agency by its organisation's name in the directory; its code only when the directory has not said.</summary>
    public string Agency(string? code) => code is null ? "" : names.Agency(code) ?? code;

    public string ServiceType(string? code) =>
        code is null ? "" : Find("ServiceType." + code) ?? ServiceTypes.Find(code)?.Name ?? code;

    /// <summary>"High priority (answer within 24 hours)".</summary>
    public string Priority(string? code) => code is null ? "" : Find("Priority." + code) ?? code;

    public string ReferralStatus(string? code) => code is null ? "" : Find("Status." + code) ?? Find("ReferralStatus." + code) ?? code;

    public string TransferStatus(string? code) => code is null ? "" : Find("TransferStatus." + code) ?? code;

    public string DeclineReason(string? code) => code is null ? "" : Find("Decline." + code) ?? code;

    /// <summary>
    /// A language by name ("Arabic"): the portal's word ("Language.{code}") in the person's language, else the name .NET
    /// knows for the code (English), else the code.
    /// </summary>
    public string Language(string? code)
    {
        if (string.IsNullOrEmpty(code)) return "";
        if (Find("Language." + code) is { } word) return word;
        try
        {
            var culture = System.Globalization.CultureInfo.GetCultureInfo(code, predefinedOnly: true);
            return string.IsNullOrEmpty(culture.EnglishName) ? code : culture.EnglishName;
        }
        catch (System.Globalization.CultureNotFoundException)
        {
            return code;
        }
    }

    public string Languages(IEnumerable<string?>? codes) => codes is null ? "" : string.Join(", ", codes.Select(Language));

    /// <summary>A protection concern ("Child marriage"): "Concern.{code}" in PortalText, else the code.</summary>
    public string Concern(string? code) => code is null ? "" : Find("Concern." + code) ?? code;

    public string Concerns(IEnumerable<string>? codes) => codes is null ? "" : string.Join(", ", codes.Select(Concern));

    private string? Find(string key)
    {
        var value = text[key];
        return value.ResourceNotFound ? null : value.Value;
    }
}
