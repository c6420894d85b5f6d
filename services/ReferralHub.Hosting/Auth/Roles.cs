namespace ReferralHub.Hosting.Auth;

/// <summary>The roles a token or portal user can carry (see docs/security.md for who gets which).</summary>
public static class Roles
{
    public const string Referrer = "referrer";
    public const string Provider = "provider";
    public const string PathwayMaintainer = "pathway-maintainer";
    public const string Supervisor = "supervisor";
    public const string Coordinator = "coordinator";
    public const string AgencyAdmin = "agency-admin";

    /// <summary>Hub operators: messaging and health internals, no case data.</summary>
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Referrer, Provider, PathwayMaintainer, Supervisor, Coordinator, AgencyAdmin, Operator];

    /// <summary>
    /// Four eyes are two people: one identity (API client or person) never holds both a requesting role (referrer)
    /// and the authorising role (supervisor) of its agency, or it could approve and override its own requests.
    /// </summary>
    public static bool AsksAndAuthorises(IEnumerable<string> roles)
    {
        var set = roles as IReadOnlyCollection<string> ?? [.. roles];
        return set.Contains(Referrer) && set.Contains(Supervisor);
    }

    public const string FourEyesMessage =
        "One identity cannot hold both 'referrer' and 'supervisor': the supervisor who approves or authorises must be a second person (or system).";
}

/// <summary>Claim types ReferralHub tokens carry.</summary>
public static class HubClaims
{
    public const string Agency = "agency";
    public const string Role = "role";
    public const string Subject = "sub";

    /// <summary>Area codes a pathway maintainer may edit.</summary>
    public const string Area = "area";

    /// <summary>The audience every ReferralHub API token is issued for.</summary>
    public const string ApiAudience = "referralhub-api";
}
