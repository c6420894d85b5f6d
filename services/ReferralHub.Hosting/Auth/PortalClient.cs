using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace ReferralHub.Hosting.Auth;

/// <summary>
/// The portal calls the services' APIs as the signed-in person: it asks the gateway for a short-lived access token
/// for that person (a custom grant only the portal's confidential client may use). The request names the person only;
/// the gateway asks the account store for their agency, roles and areas (PortalPersonRequest).
/// Shared here because the gateway issues these tokens and the portal requests them.
/// </summary>
public static class PortalClient
{
    public const string ClientId = "referralhub-portal";

    public const string GrantType = "urn:referralhub:grant-type:portal-user";

    public const string UserParameter = "portal_user";

    /// <summary>The token request's proof that the person's sign-in session is live (<see cref="SessionProof"/>).</summary>
    public const string SessionParameter = "portal_session";

    /// <summary>
    /// A one-way hash of the security stamp held in the person's sign-in session. Only a live session has it (the stamp
    /// changes at sign-out, disabling and reset), so the portal's client secret alone gets nobody a token; the hash,
    /// not the stamp, is what the token request and the bus carry.
    /// </summary>
    public static string SessionProof(string securityStamp) =>
        Base64UrlEncode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("referralhub-portal-session:" + securityStamp)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A portal person's subject in tokens: never confused with an API client id.</summary>
    public static string Subject(string portalUserId) => $"portal:{portalUserId}";

    /// <summary>Roles a portal person may act with; hub operators use their own API client, not the portal.</summary>
    public static IReadOnlyList<string> AllowedRoles { get; } = [.. Roles.All.Where(r => r != Roles.Operator)];

    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>The portal's OpenID Connect callback (registered at the gateway under each portal address).</summary>
    public const string RedirectPath = "/signin-oidc";

    /// <summary>Where the gateway's end-session endpoint returns the browser after sign-out.</summary>
    public const string PostSignOutPath = "/signout-callback-oidc";
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
