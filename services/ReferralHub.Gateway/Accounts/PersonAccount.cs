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
}
