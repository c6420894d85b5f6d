using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.HubApi;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// People sign in at the gateway, the hub's identity provider: the portal is its confidential OpenID Connect client
/// (authorization code with PKCE, response_mode=query so no script is needed). The portal never sees a password. After
/// the code round trip the portal keeps the person's tokens in its own session cookie (SaveTokens) and calls the hub's
/// APIs with the person's access token, refreshed before it expires (<see cref="PortalSessionCheck"/>). Each sign-in
/// also opens a session row in the portal's database that sign-out deletes, so a copy of an old portal cookie is
/// refused even while its access token would still be valid.
/// </summary>
public static class PortalSignIn
{
    /// <summary>The portal's session cookie (pages only: the APIs accept bearer tokens, never this cookie).</summary>
    public const string Scheme = "portal";

    /// <summary>The OpenID Connect client of the gateway.</summary>
    public const string Gateway = "gateway";

    /// <summary>The session's id in the cookie; the portal's database keeps only its hash (<see cref="PortalSession"/>).</summary>
    public const string SessionClaim = "portal_session";

    public const string DisplayNameClaim = "display_name";

    public const string SignInPath = "/account/sign-in";

    public static IHostApplicationBuilder AddPortalSignIn(this IHostApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton<GatewayTokens>();
        builder.Services.AddHttpClient(GatewayTokens.HttpClientName);
        builder.Services.AddAuthentication()
            .AddCookie(Scheme, cookie =>
            {
                cookie.Cookie.Name = "referralhub-portal";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                // Secure everywhere except a developer's plain-http localhost.
                cookie.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                // A page that needs a signed-in person sends the browser to the gateway's sign-in.
                cookie.ForwardChallenge = Gateway;
                cookie.Events = new CookieAuthenticationEvents
                {
                    OnRedirectToAccessDenied = WriteForbiddenAsync,
                    OnValidatePrincipal = PortalSessionCheck.ValidateAsync,
                };
            })
            .AddOpenIdConnect(Gateway, _ => { });
        builder.Services.AddOptions<OpenIdConnectOptions>(Gateway)
            .Configure<IOptions<HubAuthOptions>, PortalClientSecret, HubApiAddress, IServiceProvider>((oidc, auth, secret, backChannel, services) =>
            {
                oidc.SignInScheme = Scheme;
                oidc.SignOutScheme = Scheme;
                oidc.ClientId = PortalClient.ClientId;
                oidc.ClientSecret = secret.Value;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.UsePkce = true;
                oidc.SaveTokens = true;
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email", "api", "offline_access" }) oidc.Scope.Add(scope);
                oidc.CallbackPath = PortalClient.RedirectPath;
                oidc.SignedOutCallbackPath = PortalClient.PostSignOutPath;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.TokenValidationParameters.RoleClaimType = HubClaims.Role;
                // The callback is a top-level GET (response_mode=query): Lax cookies come back with it, and http stays
                // usable on a developer's machine.
                foreach (var correlation in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
                {
                    correlation.SameSite = SameSiteMode.Lax;
                    correlation.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                }
                oidc.ConfigurationManager = new GatewayConfiguration(auth.Value, backChannel, services, development);
                var publicAddress = PublicAddress(builder.Configuration, auth.Value);
                oidc.Events = new OpenIdConnectEvents
                {
                    OnRedirectToIdentityProvider = context =>
                    {
                        // The address the gateway registered for this portal, whatever host name the request used.
                        context.ProtocolMessage.RedirectUri = new Uri(publicAddress, PortalClient.RedirectPath.TrimStart('/')).ToString();
                        if (PortalLanguage.Chosen(context.Request) is { } language) context.ProtocolMessage.UiLocales = language;
                        return Task.CompletedTask;
                    },
                    OnRedirectToIdentityProviderForSignOut = context =>
                    {
                        context.ProtocolMessage.PostLogoutRedirectUri = new Uri(publicAddress, PortalClient.PostSignOutPath.TrimStart('/')).ToString();
                        return Task.CompletedTask;
                    },
                    OnTokenValidated = PortalSessions.StartAsync,
                    OnRemoteFailure = context =>
                    {
                        // A refused or broken sign-in (an account the portal may not use, an expired round trip) is a
                        // page that offers to try again, never a 500 and never an automatic loop back to the gateway.
                        context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalSignIn))
                            .LogInformation("Sign-in at the gateway not completed: {Reason}", context.Failure?.GetType().Name);
                        context.Response.Redirect(SignInPath + "?refused=true");
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        return builder;
    }

    /// <summary>
    /// Where browsers reach the portal (<c>Portal:PublicAddress</c>): the gateway registered its callback addresses under
    /// it (<c>Portal:PublicAddresses</c> there). Default: the gateway's public address (<c>Auth:Issuer</c>), which is
    /// the portal's too in the embedded host and behind the distributed gateway.
    /// </summary>
    public static Uri PublicAddress(IConfiguration configuration, HubAuthOptions auth)
    {
        var address = configuration["Portal:PublicAddress"] is { Length: > 0 } configured ? configured : auth.Issuer;
        return new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);
    }

    /// <summary>A real 403 with a short page (not a redirect): the server refuses, whatever the browser shows.</summary>
    private static async Task WriteForbiddenAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var text = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<PortalText>>();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        var title = System.Net.WebUtility.HtmlEncode(text["Forbidden.Title"]);
        var body = System.Net.WebUtility.HtmlEncode(text["Forbidden.Body"]);
        var home = System.Net.WebUtility.HtmlEncode(text["Forbidden.Home"]);
        await context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{title}</title><link rel=\"stylesheet\" href=\"{PortalStyles.Path}\"></head><body><main><h1>{title}</h1><p>{body}</p>" +
            $"<p><a href=\"/\">{home}</a></p></main></body></html>");
    }
}

/// <summary>
/// The gateway's endpoints as the portal uses them. The browser goes to the gateway's public address
/// (<c>Auth:Issuer</c>: authorize, end-session); the portal itself redeems codes and refreshes tokens over its
/// back-channel address for the hub (<c>Portal:ApiBaseUrl</c>, or the host's own address when embedded). Signing keys:
/// the hub's key when the gateway runs in this process or shares it, else the gateway's published keys
/// (<c>Auth:Authority</c>, OpenID Connect discovery).
/// </summary>
internal sealed class GatewayConfiguration(HubAuthOptions auth, HubApiAddress backChannel, IServiceProvider services, bool development)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _discovery = string.IsNullOrWhiteSpace(auth.Authority) ? null
        : new ConfigurationManager<OpenIdConnectConfiguration>(
            new Uri(new Uri(auth.Authority.EndsWith('/') ? auth.Authority : auth.Authority + "/"), ".well-known/openid-configuration").ToString(),
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = auth.RequireHttpsMetadata ?? !development });

    private OpenIdConnectConfiguration? _local;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var issuer = new Uri(auth.Issuer.EndsWith('/') ? auth.Issuer : auth.Issuer + "/");
        var tokenEndpoint = new Uri(BackChannelOr(issuer), "connect/token").ToString();
        if (_discovery is not null)
        {
            var discovered = await _discovery.GetConfigurationAsync(cancel);
            discovered.TokenEndpoint = tokenEndpoint;
            return discovered;
        }
        if (_local is not null) return _local;
        var local = new OpenIdConnectConfiguration
        {
            Issuer = auth.Issuer,
            AuthorizationEndpoint = new Uri(issuer, "connect/authorize").ToString(),
            EndSessionEndpoint = new Uri(issuer, "connect/endsession").ToString(),
            TokenEndpoint = tokenEndpoint,
        };
        foreach (var key in services.GetRequiredService<HubSigningKey>().ValidationKeys) local.SigningKeys.Add(key);
        return _local = local;
    }

    public void RequestRefresh() => _discovery?.RequestRefresh();

    /// <summary>
    /// The back channel; the gateway's public address when the host has no listening address to call itself on (an
    /// in-memory test server: the challenge must still work there, and nothing redeems a code through it).
    /// </summary>
    private Uri BackChannelOr(Uri issuer)
    {
        try
        {
            return backChannel.BaseAddress;
        }
        catch (InvalidOperationException)
        {
            return issuer;
        }
    }
}

/// <summary>The code's and refresh token's redemption at the gateway's token endpoint (back channel).</summary>
public sealed class GatewayTokens(IHttpClientFactory http, HubApiAddress address, PortalClientSecret secret)
{
    public const string HttpClientName = "referralhub-portal-gateway";

    public sealed record Refreshed(string AccessToken, string? RefreshToken, string? IdToken, int ExpiresIn);

    /// <summary>New tokens, or null when the gateway refuses the refresh token (signed out, disabled, reset, new roles).</summary>
    public async Task<Refreshed?> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken)) return null;
        using var response = await http.CreateClient(HttpClientName).PostAsync(new Uri(address.BaseAddress, "connect/token"), new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = PortalClient.ClientId,
                ["client_secret"] = secret.Required,
            }), cancellationToken);
        if (response.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.Unauthorized) return null;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The gateway answered the portal's refresh with {(int)response.StatusCode}.");
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        return new Refreshed(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            root.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            root.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 0);
    }
}
