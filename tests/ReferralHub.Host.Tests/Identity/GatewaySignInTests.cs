using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// People sign in at the gateway, the hub's identity provider: authorization code with PKCE (S256 only) for the
/// portal's client, over real HTTP with real cookies. The token says what the account store says; the code works once;
/// every sign-in failure looks and costs the same; the lockout holds; sign-out at the end-session endpoint ends the
/// gateway session, so a copy of the old cookie and the old refresh token are refused.
/// </summary>
public sealed partial class GatewaySignInTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task The_code_round_trip_gives_a_token_with_the_stores_agency_roles_and_areas_and_the_code_works_once()
    {
        var id = await hub.EnsurePortalPersonAsync("round-trip-maintainer", "district", ["pathway-maintainer"], ["area-1"]);
        using var browser = hub.Browser();
        var (verifier, challenge) = GatewaySignIn.Pkce();

        var code = await GatewaySignIn.CodeAsync(hub, browser, challenge, $"{id}@people.test", PortalPeople.Password);
        var tokens = await GatewaySignIn.RedeemAsync(hub, code, verifier);

        var access = new JsonWebTokenHandler().ReadJsonWebToken(tokens.AccessToken);
        Assert.Equal($"portal:{id}", access.Subject);
        Assert.Equal("district", access.GetClaim("agency").Value);
        Assert.Equal(["pathway-maintainer"], access.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal(["area-1"], access.Claims.Where(c => c.Type == "area").Select(c => c.Value));
        Assert.DoesNotContain(access.Claims, c => c.Type is "email" or "stamp" or "person_id");
        Assert.NotNull(tokens.IdToken);
        Assert.NotNull(tokens.RefreshToken);
        // The API accepts it.
        using var api = hub.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);

        var replay = await GatewaySignIn.RedeemResponseAsync(hub, code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("invalid_grant", (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Without_pkce_or_with_the_plain_method_or_the_wrong_verifier_there_is_no_token()
    {
        var id = await hub.EnsurePortalPersonAsync("pkce-provider", "agency-b", ["provider"]);
        using var browser = hub.Browser();
        var (verifier, challenge) = GatewaySignIn.Pkce();
        await GatewaySignIn.CodeAsync(hub, browser, challenge, $"{id}@people.test", PortalPeople.Password); // signed in now

        await NoCodeAsync(await browser.GetAsync(GatewaySignIn.AuthorizeUrl(hub, verifier, method: "plain")));
        await NoCodeAsync(await browser.GetAsync(GatewaySignIn.AuthorizeUrl(hub, challenge).Replace("&code_challenge=" + challenge, "")
            .Replace("&code_challenge_method=S256", "")));

        var code = QueryHelpers.ParseQuery(new Uri(GatewaySignIn.Location(await browser.GetAsync(GatewaySignIn.AuthorizeUrl(hub, challenge)))).Query)["code"].ToString();
        var wrongVerifier = await GatewaySignIn.RedeemResponseAsync(hub, code, GatewaySignIn.Pkce().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, wrongVerifier.StatusCode);
    }

    [Fact]
    public async Task Every_sign_in_failure_gets_the_same_page_status_and_words()
    {
        var disabled = await hub.EnsurePortalPersonAsync("uniform-disabled", "agency-a", ["referrer"]);
        var noPassword = await hub.EnsurePortalPersonAsync("uniform-no-password", "agency-a", ["referrer"]);
        var wrong = await hub.EnsurePortalPersonAsync("uniform-wrong", "agency-a", ["referrer"]);
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
            var account = (await users.FindByIdAsync(disabled))!;
            await users.SetLockoutEnabledAsync(account, true);
            await users.SetLockoutEndDateAsync(account, AgencyPeople.DisabledUntil);
            await users.RemovePasswordAsync((await users.FindByIdAsync(noPassword))!);
        }

        var answers = new List<(HttpStatusCode Status, string Alert)>();
        foreach (var (email, password) in new[]
        {
            ("nobody-at-all@people.test", PortalPeople.Password),
            ($"{wrong}@people.test", "not-the-password-at-all"),
            ($"{disabled}@people.test", PortalPeople.Password),
            ($"{noPassword}@people.test", PortalPeople.Password),
        })
        {
            using var browser = hub.Browser();
            var response = await GatewaySignIn.PostSignInAsync(browser, "/identity/sign-in", email, password);
            answers.Add((response.StatusCode, Alert(await response.Content.ReadAsStringAsync())));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.Status));
        Assert.Single(answers.Select(a => a.Alert).Distinct());
        Assert.Contains("not right", answers[0].Alert);
    }

    [Fact]
    public async Task After_five_wrong_passwords_the_right_one_is_refused_with_the_same_words()
    {
        var id = await hub.EnsurePortalPersonAsync("lockout-person", "agency-a", ["referrer"]);
        using var browser = hub.Browser();
        string? wrongAlert = null;
        for (var i = 0; i < 5; i++)
            wrongAlert = Alert(await (await GatewaySignIn.PostSignInAsync(browser, "/identity/sign-in", $"{id}@people.test", "not-the-password-" + i)).Content.ReadAsStringAsync());

        var right = await GatewaySignIn.PostSignInAsync(browser, "/identity/sign-in", $"{id}@people.test", PortalPeople.Password);

        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Equal(wrongAlert, Alert(await right.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Sign_out_at_the_end_session_endpoint_refuses_the_old_cookie_and_the_old_refresh_token()
    {
        var id = await hub.EnsurePortalPersonAsync("sign-out-person", "agency-b", ["provider"]);
        var cookies = new CookieContainer();
        using var browser = hub.Browser(cookies);
        var tokens = await hub.SignInAsync(browser, $"{id}@people.test", PortalPeople.Password);
        var oldCookie = cookies.GetCookieHeader(new Uri("http://localhost/"));
        Assert.Contains("referralhub-identity=", oldCookie);

        var signOut = await browser.GetAsync("/connect/endsession" + QueryString.Create("post_logout_redirect_uri", new Uri(new Uri(GatewaySignIn.RedirectUri(hub)), "/signout-callback-oidc").ToString())
            + "&client_id=referralhub-portal");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.EndsWith("/signout-callback-oidc", GatewaySignIn.Location(signOut).Split('?')[0]);

        // A copy of the old gateway cookie no longer signs anyone in: authorize sends it to the sign-in page.
        using var replay = hub.CreateDefaultClient();
        replay.DefaultRequestHeaders.Add("Cookie", oldCookie);
        Assert.StartsWith("/identity/sign-in", GatewaySignIn.Location(await replay.GetAsync(GatewaySignIn.AuthorizeUrl(hub, GatewaySignIn.Pkce().Challenge))));
        var refreshed = await GatewaySignIn.RefreshAsync(hub, tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.BadRequest, refreshed.StatusCode);
        Assert.Equal("invalid_grant", (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refresh_token_gives_a_new_access_token_until_the_account_is_disabled()
    {
        var id = await hub.EnsurePortalPersonAsync("refresh-person", "agency-a", ["supervisor"]);
        using var browser = hub.Browser();
        var tokens = await hub.SignInAsync(browser, $"{id}@people.test", PortalPeople.Password);

        var refreshed = await GatewaySignIn.RefreshAsync(hub, tokens.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var next = (await refreshed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refresh_token").GetString()!;

        using var admin = await hub.AdminOfAsync("agency-a");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/agency/users/{id}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await GatewaySignIn.RefreshAsync(hub, next)).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_is_a_plain_form_with_the_browser_protections_and_returns_only_to_the_authorize_endpoint()
    {
        using var browser = hub.Browser();

        var page = await browser.GetAsync("/identity/sign-in?returnUrl=https%3A%2F%2Fevil.example%2F");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("script-src", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("no-store", page.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotContain("evil.example", html);
        Assert.Contains("<form method=\"post\"", html);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
        var css = await browser.GetAsync(Regex.Match(html, "href=\"(/identity/identity.css[^\"]*)\"").Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);

        // A form posted without the antiforgery pair is refused before any password check.
        var forged = await hub.CreateClient().PostAsync("/identity/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "a@b.c", ["password"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("frame-ancestors 'none'", forged.Headers.GetValues("Content-Security-Policy").Single());
    }

    /// <summary>An OAuth2 error (on the gateway's error answer, or at the redirect URI), and never a code.</summary>
    private static async Task NoCodeAsync(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync());
            return;
        }
        var location = GatewaySignIn.Location(response);
        Assert.Contains("error=", location);
        Assert.DoesNotContain("code=", location);
    }

    private static string Alert(string html) => Regex.Match(html, "<p class=\"error\" role=\"alert\">([^<]*)</p>").Groups[1].Value;

    private static class QueryString
    {
        public static string Create(string name, string value) => $"?{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";
    }
}

/// <summary>A hub whose sign-in allows two POSTs a minute per address.</summary>
public sealed class TightSignInLimitHub : EmbeddedHubFactory
{
    public TightSignInLimitHub() => Settings["RateLimits:SignIn:PermitLimit"] = "2";
}

/// <summary>Sign-in POSTs over the per-address limit are 429 with Retry-After, before any password check.</summary>
public sealed class GatewaySignInLimitTests(TightSignInLimitHub hub) : IClassFixture<TightSignInLimitHub>
{
    [Fact]
    public async Task The_third_sign_in_post_in_a_minute_is_refused_with_retry_after_even_with_the_right_password()
    {
        var id = await hub.EnsurePortalPersonAsync("limited-person", "agency-a", ["referrer"]);
        using var browser = hub.Browser();
        await GatewaySignIn.PostSignInAsync(browser, "/identity/sign-in", $"{id}@people.test", "wrong-password-one");
        await GatewaySignIn.PostSignInAsync(browser, "/identity/sign-in", $"{id}@people.test", "wrong-password-two");

        var third = await GatewaySignIn.PostSignInAsync(browser, "/identity/sign-in", $"{id}@people.test", PortalPeople.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("frame-ancestors 'none'", third.Headers.GetValues("Content-Security-Policy").Single());
        // Reading the page is never limited.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/identity/sign-in")).StatusCode);
    }
}
