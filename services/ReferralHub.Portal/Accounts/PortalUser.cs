using Microsoft.AspNetCore.Identity;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// One person's portal account (no shared logins). Agency, roles and areas are stored as user claims with the hub's
/// claim types (agency, role, area), so a signed-in user carries the same claims as an API token.
/// </summary>
public sealed class PortalUser : IdentityUser
{
    public required string DisplayName { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Disabled = locked out until the end of time; a lockout after wrong passwords ends by itself.</summary>
    public static readonly DateTimeOffset DisabledUntil = DateTimeOffset.MaxValue;

    public static bool IsDisabled(PortalUser user) => user.LockoutEnd is { } end && end.Year >= 9999;
}
