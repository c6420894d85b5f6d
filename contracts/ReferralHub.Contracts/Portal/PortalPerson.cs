namespace ReferralHub.Contracts.Portal;

/// <summary>
/// Request (from the gateway, answered by the portal's account store with <see cref="PortalPersonAccount"/>): who is
/// this portal person, for the token the gateway is about to issue. The gateway takes the agency, roles and areas
/// from this answer, never from the token request. Ids and codes only: no name or e-mail travels.
/// </summary>
/// <param name="SessionProof">
/// A hash of the security stamp in the person's sign-in session (PortalClient.SessionProof), never the stamp itself:
/// the store says whether it is the account's current one, so a token is issued only for a live session.
/// </param>
public sealed record PortalPersonRequest(string UserId, string SessionProof);

/// <param name="Found">False when no account has this id.</param>
/// <param name="Active">False when the account is disabled or has no password (reset, invitation not yet taken up).</param>
/// <param name="SessionCurrent">
/// True only when the request's session proof matches the account's current security stamp: false after the person
/// signed out, or was disabled or reset (each changes the stamp), and for a caller who never had the session.
/// </param>
public sealed record PortalPersonAccount(
    string UserId,
    bool Found,
    bool Active,
    bool SessionCurrent,
    string? Agency,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Areas);
