using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing;

namespace ReferralHub.Testing.Hub;

/// <summary>
/// People sign in the way a browser does, at the gateway's own sign-in page: real HTTP, real cookies (the gateway's
/// session cookie and its antiforgery cookie), the authorization code flow with PKCE (S256) for the portal's client.
/// The one way tests sign people in.
/// </summary>
public static partial class GatewaySignIn
{
    public sealed record Tokens(string AccessToken, string? IdToken, string? RefreshToken);

    /// <summary>A cookie-keeping "browser" that does not follow redirects (each hop is looked at).</summary>
    public static HttpClient Browser(this EmbeddedHubFactory hub, CookieContainer? cookies = null) =>
        hub.CreateDefaultClient(new Uri("http://localhost/"), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies ?? new CookieContainer()));

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>The portal's registered callback in the embedded host (the gateway's public address).</summary>
    public static string RedirectUri(EmbeddedHubFactory hub) =>
        new Uri(new Uri(hub.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubAuthOptions>>().Value.Issuer), PortalClient.RedirectPath.TrimStart('/')).ToString();

    public static string AuthorizeUrl(EmbeddedHubFactory hub, string challenge, string method = "S256", string state = "state-1") =>
        "/connect/authorize" + QueryString(new()
        {
            ["client_id"] = PortalClient.ClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = RedirectUri(hub),
            ["scope"] = "openid profile email api offline_access",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = method,
            ["state"] = state,
            ["nonce"] = "nonce-1",
        });

    /// <summary>Reads the sign-in page at <paramref name="signInUrl"/> and posts the form; the gateway's answer.</summary>
    public static Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string signInUrl, string email, string password) =>
        PeopleSignIn.PostSignInAsync(browser, signInUrl, email, password);

    /// <summary>
    /// The whole round trip as the portal's browser makes it: authorize (sent to sign in), sign in, authorize again
    /// (a code for the registered redirect URI), then the portal's back-channel code redemption with the verifier.
    /// </summary>
    public static async Task<Tokens> SignInAsync(this EmbeddedHubFactory hub, HttpClient browser, string email, string password)
    {
        var (verifier, challenge) = Pkce();
        var code = await CodeAsync(hub, browser, challenge, email, password);
        return await RedeemAsync(hub, code, verifier);
    }

    public static async Task<string> CodeAsync(EmbeddedHubFactory hub, HttpClient browser, string challenge, string email, string password)
    {
        var authorize = await browser.GetAsync(AuthorizeUrl(hub, challenge));
        var location = Location(authorize);
        if (location.StartsWith("/identity/sign-in", StringComparison.Ordinal))
        {
            var signedIn = await PostSignInAsync(browser, location, email, password);
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"Sign-in refused ({(int)signedIn.StatusCode}) for {email}.");
            location = Location(await browser.GetAsync(Location(signedIn)));
        }
        var query = QueryHelpers.ParseQuery(new Uri(location).Query);
        return query.TryGetValue("code", out var code) ? code.ToString()
            : throw new InvalidOperationException($"No code: {location}");
    }

    public static async Task<Tokens> RedeemAsync(EmbeddedHubFactory hub, string code, string verifier)
    {
        var response = await RedeemResponseAsync(hub, code, verifier);
        var body = await response.Content.ReadFromJsonAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Code refused: {body}");
        return new Tokens(body.GetProperty("access_token").GetString()!,
            body.TryGetProperty("id_token", out var id) ? id.GetString() : null,
            body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
    }

    public static Task<HttpResponseMessage> RedeemResponseAsync(EmbeddedHubFactory hub, string code, string verifier) =>
        hub.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri(hub),
            ["client_id"] = PortalClient.ClientId,
            ["client_secret"] = hub.Services.GetRequiredService<PortalClientSecret>().Required,
            ["code_verifier"] = verifier,
        }));

    public static Task<HttpResponseMessage> RefreshAsync(EmbeddedHubFactory hub, string refreshToken) =>
        hub.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = PortalClient.ClientId,
            ["client_secret"] = hub.Services.GetRequiredService<PortalClientSecret>().Required,
        }));

    public static string Location(HttpResponseMessage response) => PeopleSignIn.Location(response);

    public static Dictionary<string, string> HiddenFields(string html) => PeopleSignIn.HiddenFields(html);

    private static async Task<JsonElement> ReadFromJsonAsync(this HttpContent content) =>
        JsonDocument.Parse(await content.ReadAsStringAsync()).RootElement.Clone();

    private static string QueryString(Dictionary<string, string> values) =>
        "?" + string.Join("&", values.Select(v => $"{Uri.EscapeDataString(v.Key)}={Uri.EscapeDataString(v.Value)}"));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
