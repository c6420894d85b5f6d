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

    /// <summary>
    /// The classes of a priority's or urgency's tag: high stands out (filled, bold), medium is outlined in amber, low
    /// stays plain — so a busy focal point sees the 24-hour ones first, and the words say it too.
    /// </summary>
    public static string PriorityTag(string? code) => code switch
    {
        "high" => "tag urgency-high",
        "medium" => "tag urgency-medium",
        _ => "tag",
    };

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

    /// <summary>An age band in words ("10 to 14 years", "Age not known"): "AgeBand.{code}", else the band as written.</summary>
    public string AgeBand(string? code) => code is null ? "" : Find("AgeBand." + code) ?? code;

    /// <summary>A child's sex in words ("Female", "Not known"): "Sex.{code}", else the code.</summary>
    public string Sex(string? code) => code is null ? "" : Find("Sex." + code) ?? code;

    /// <summary>An assessed risk level ("High"): "RiskLevel.{code}", else the code.</summary>
    public string RiskLevel(string? code) => code is null ? "" : Find("RiskLevel." + code) ?? code;

    /// <summary>
    /// Every protection concern the portal has a word for, as (code, words) for pickers, by name with "Other" last: the
    /// same "Concern.{code}" entries the pages name concerns with, so a picker offers exactly what a page can say.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConcernChoices => Choices("Concern.");

    /// <summary>Every language the portal has a word for ("Language.{code}"), as (code, name) for pickers, by name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> LanguageChoices => Choices("Language.");

    private List<KeyValuePair<string, string>> Choices(string prefix) =>
    [
        .. text.GetAllStrings(includeParentCultures: true)
            .Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal))
            .DistinctBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => KeyValuePair.Create(s.Name[prefix.Length..], s.Value))
            .OrderBy(c => c.Key == "other")
            .ThenBy(c => c.Value, StringComparer.CurrentCulture),
    ];

    private string? Find(string key)
    {
        var value = text[key];
        return value.ResourceNotFound ? null : value.Value;
    }
}
