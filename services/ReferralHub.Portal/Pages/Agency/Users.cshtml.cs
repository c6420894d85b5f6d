using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>The agency admin's list of their own agency's portal users; another agency's users are never listed.</summary>
public sealed class UsersModel(AgencyUserAdmin admin, TimeProvider clock, IStringLocalizer<PortalText> text) : PageModel
{
    public string Agency { get; private set; } = "";

    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // The folder policy guarantees the agency-admin role and an agency claim.
        Agency = User.Agency()!;
        var now = clock.GetUtcNow();
        Users = [.. (await admin.ListAsync(Agency, cancellationToken)).Select(m => new UserRow(
            m.User.Id, m.User.DisplayName, m.User.Email ?? "", m.Roles, StatusOf(m.User, now, text)))];
    }

    /// <summary>Status in words (never colour alone): disabled, locked after wrong passwords, invited, active.</summary>
    public static string StatusOf(PortalUser user, DateTimeOffset now, IStringLocalizer<PortalText> text) =>
        AgencyUserAdmin.IsDisabled(user) ? text["Users.Disabled"]
        : user.LockoutEnd is { } end && end > now ? text["Users.LockedUntil", end.UtcDateTime.ToString("yyyy-MM-dd HH:mm")]
        : user.PasswordHash is null ? text["Users.NoPassword"]
        : text["Users.Active"];

    public sealed record UserRow(string Id, string DisplayName, string Email, IReadOnlyList<string> Roles, string Status);
}
