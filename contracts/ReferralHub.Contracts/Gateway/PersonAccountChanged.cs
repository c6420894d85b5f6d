namespace ReferralHub.Contracts.Gateway;

/// <summary>
/// Event: an agency admin disabled a person's account at the gateway, enabled it again, or changed the roles it holds.
/// Carries the account's state after the change — ids and codes only, never the person's name, e-mail or phone — so a
/// service that keeps its own view of people (the portal's notice profiles) can follow without asking. <c>Version</c>
/// counts the account's changes (1, 2, …): a copy that arrives after a later one is older and changes nothing.
/// </summary>
public sealed record PersonAccountChanged(
    string PersonId,
    string AgencyCode,
    bool Active,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Areas,
    long Version,
    DateTime ChangedAt);
