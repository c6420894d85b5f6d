using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.HubApi;
using ReferralHub.Portal.Localisation;
using ReferralHub.Wire;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The agency admin's list of their own agency's people, read from the gateway (the account store people sign in
/// with) as the signed-in admin: the gateway takes the agency from the admin's token, so another agency's people are
/// never listed.
/// </summary>
public sealed class UsersModel(AgencyUsersApi people, HubTime time, IStringLocalizer<PortalText> text) : PageModel
{
    public string Agency { get; private set; } = "";

    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // The folder policy guarantees the agency-admin role and an agency claim; the gateway checks them again.
        Agency = User.Agency()!;
        var list = await people.ListAsync(cancellationToken);
        if (!list.Ok) Error = text["Users.Failed"];
        Users = [.. (list.Value ?? []).OrderBy(p => p.DisplayName, StringComparer.CurrentCultureIgnoreCase)
            .Select(p => new UserRow(p.Id, p.DisplayName, p.Email, p.Roles, StatusOf(p, time, text)))];
    }

    /// <summary>
    /// Status in words (never colour alone): disabled, locked after wrong passwords (until when, local time and UTC),
    /// no password yet, active.
    /// </summary>
    public static IHtmlContent StatusOf(AgencyUserView person, HubTime time, IStringLocalizer<PortalText> text) => person.Status switch
    {
        AgencyUserStatus.Disabled => new HtmlString(System.Net.WebUtility.HtmlEncode(text["Users.Disabled"])),
        AgencyUserStatus.Locked when person.LockedUntil is { } until => HubTime.Sentence(text, "Users.LockedUntil", time.Tag(until)),
        AgencyUserStatus.Invited => new HtmlString(System.Net.WebUtility.HtmlEncode(text["Users.NoPassword"])),
        _ => new HtmlString(System.Net.WebUtility.HtmlEncode(text["Users.Active"])),
    };

    public sealed record UserRow(string Id, string DisplayName, string Email, IReadOnlyList<string> Roles, IHtmlContent Status);
}
