using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace ReferralHub.Hosting.Auth;

/// <summary>
/// The portal is the gateway's confidential OpenID Connect client: people sign in at the gateway (authorization code
/// with PKCE) and the portal calls the services' APIs with the person's own short-lived access token. Shared here
/// because the gateway registers the client and the portal uses it.
/// </summary>
public static class PortalClient
{
    public const string ClientId = "referralhub-portal";

    /// <summary>A portal person's subject in tokens: never confused with an API client id.</summary>
    public static string Subject(string portalUserId) => $"portal:{portalUserId}";

    /// <summary>Roles a portal person may act with; hub operators use their own API client, not the portal.</summary>
    public static IReadOnlyList<string> AllowedRoles { get; } = [.. Roles.All.Where(r => r != Roles.Operator)];

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The portal's OpenID Connect callback (registered at the gateway under each portal address).</summary>
    public const string RedirectPath = "/signin-oidc";

    /// <summary>Where the gateway's end-session endpoint returns the browser after sign-out.</summary>
    public const string PostSignOutPath = "/signout-callback-oidc";

    /// <summary>
    /// In the identity token: the account's change count at the gateway (<c>PersonAccountChanged.Version</c>) when the
    /// token was issued, so the portal's profile written at sign-in and the events it hears can be put in order.
    /// </summary>
    public const string AccountVersionClaim = "account_version";
}

/// <summary>Marks a process that hosts the portal (the embedded host, or the portal alone).</summary>
public sealed class PortalInProcess;

/// <summary>
/// The portal client's secret: <c>Portal:ClientSecret</c> (set the same value on the gateway and the portal when they
/// run apart), or, when both run in one process, a random secret for that process's life.
/// </summary>
public sealed class PortalClientSecret(IConfiguration configuration, IEnumerable<TokenIssuerInProcess> issuer, IEnumerable<PortalInProcess> portal)
{
    private readonly string? _value = configuration["Portal:ClientSecret"] is { Length: > 0 } configured
        ? configured
        : issuer.Any() && portal.Any() ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null;

    /// <summary>Null when the gateway runs without a portal beside it and none is configured: no portal client then.</summary>
    public string? Value => _value;

    public string Required => _value
        ?? throw new InvalidOperationException("The portal runs apart from the gateway: set Portal:ClientSecret to the same value on both.");
}
