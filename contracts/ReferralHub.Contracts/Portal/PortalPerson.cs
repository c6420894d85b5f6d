namespace ReferralHub.Contracts.Portal;

/// <summary>
/// Request (from the gateway, answered by the portal's account store with <see cref="PortalPersonAccount"/>): who is
/// this portal person, for the token the gateway is about to issue. The gateway takes the agency, roles and areas
/// from this answer, never from the token request. Ids and codes only: no name or e-mail travels.
/// </summary>
public sealed record PortalPersonRequest(string UserId);

/// <param name="Found">False when no account has this id.</param>
/// <param name="Active">False when the account is disabled or has no password (reset, invitation not yet taken up).</param>
public sealed record PortalPersonAccount(
    string UserId,
    bool Found,
    bool Active,
    string? Agency,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Areas);
