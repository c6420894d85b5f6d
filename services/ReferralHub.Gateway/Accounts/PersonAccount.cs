using Microsoft.AspNetCore.Identity;

namespace ReferralHub.Gateway.Accounts;

/// <summary>
/// One person's account at the hub's identity provider (no shared logins). Agency, roles and areas are stored as user
/// claims with the hub's claim types (agency, role, area): the gateway puts exactly these into the person's tokens.
/// </summary>
public sealed class PersonAccount : IdentityUser
{
    public required string DisplayName { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// Counts the changes an agency admin made to who this person is for the hub (disabled, enabled, roles): each one
    /// publishes <c>PersonAccountChanged</c> with the new count, and the identity token carries it, so the portal can
    /// tell an older copy from a newer one whatever order they arrive in.
    /// </summary>
    public long AccountVersion { get; set; }
}
