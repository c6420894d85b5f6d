using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// Page authorisation, enforced on the server for every request: a page folder belongs to one role, so a user who
/// types the address of a page their role may not see gets 403, not merely a hidden link.
/// </summary>
public static class PortalPolicies
{
    public const string SignedIn = "portal-signed-in";
    public const string AgencyAdmin = "portal-agency-admin";
    public const string PathwayMaintainer = "portal-pathway-maintainer";
    public const string Provider = "portal-provider";
    public const string Coordinator = "portal-coordinator";

    /// <summary>Page folder → policy.</summary>
    public static IReadOnlyDictionary<string, string> Folders { get; } = new Dictionary<string, string>
    {
        ["/Agency"] = AgencyAdmin,
        ["/Directory"] = PathwayMaintainer,
        ["/Referrals"] = Provider,
        ["/Turnaround"] = Coordinator,
    };

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(SignedIn, policy => policy
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser())
        .AddPolicy(AgencyAdmin, policy => policy
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(HubClaims.Agency)
            .RequireRole(Roles.AgencyAdmin))
        .AddPolicy(PathwayMaintainer, policy => policy
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(HubClaims.Agency)
            .RequireRole(Roles.PathwayMaintainer))
        .AddPolicy(Provider, policy => policy
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(HubClaims.Agency)
            .RequireRole(Roles.Provider))
        .AddPolicy(Coordinator, policy => policy
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireRole(Roles.Coordinator));
}
