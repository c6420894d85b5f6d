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

    private string? Find(string key)
    {
        var value = text[key];
        return value.ResourceNotFound ? null : value.Value;
    }
}
