using Microsoft.AspNetCore.Authorization;
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
    public const string Supervisor = "portal-supervisor";

    /// <summary>Page folder → policy.</summary>
    public static IReadOnlyDictionary<string, string> Folders { get; } = new Dictionary<string, string>
    {
        ["/Agency"] = AgencyAdmin,
        ["/Directory"] = PathwayMaintainer,
        ["/Referrals"] = Provider,
        ["/Turnaround"] = Coordinator,
        ["/Transfers"] = Provider,
        ["/Supervisor"] = Supervisor,
    };

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(SignedIn, policy => policy
            .AddAuthenticationSchemes(PortalSignIn.Scheme)
            .RequireAuthenticatedUser())
        .AddPolicy(AgencyAdmin, policy => PersonOfAgencyWithRole(policy, Roles.AgencyAdmin))
        .AddPolicy(PathwayMaintainer, policy => PersonOfAgencyWithRole(policy, Roles.PathwayMaintainer))
        .AddPolicy(Provider, policy => PersonOfAgencyWithRole(policy, Roles.Provider))
        .AddPolicy(Coordinator, policy => PersonOfAgencyWithRole(policy, Roles.Coordinator))
        .AddPolicy(Supervisor, policy => PersonOfAgencyWithRole(policy, Roles.Supervisor));

    /// <summary>A signed-in portal person (cookie, never a bearer token) of some agency, holding the role.</summary>
    private static void PersonOfAgencyWithRole(AuthorizationPolicyBuilder policy, string role) => policy
        .AddAuthenticationSchemes(PortalSignIn.Scheme)
        .RequireAuthenticatedUser()
        .RequireClaim(HubClaims.Agency)
        .RequireRole(role);
}
