using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// What a hostile client tries against the portal's session once people sign in at the gateway: replaying the cookies
/// after sign-out, and living on after the account was disabled. (Uniform answers, lockout and the sign-in rate limit
/// are the gateway's page's, tested in Host.Tests Identity/GatewaySignInTests.) Each test has a hub of its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileSignInTests(Browser browser)
{
    [Fact]
    public async Task After_sign_out_a_copy_of_the_portal_and_gateway_cookies_opens_nothing()
    {
        await using var hub = await StartAsync(new PortalHub());
        await using var context = await browser.PhoneAsync(hub.BaseAddress); // JavaScript off
        var page = await context.NewPageAsync();

        // portal → gateway authorize → gateway sign-in page → authorize → portal callback → the portal's home page
        await page.GotoAsync("/");
        Assert.StartsWith(new Uri(hub.BaseAddress, "/identity/sign-in").ToString(), page.Url);
        await page.GetByLabel("E-mail").FillAsync("supervisor@agency-a.demo");
        await page.GetByLabel("Password").FillAsync(DemoPeople.Password);
        var home = await page.SubmitAsync("Sign in");
        Assert.Equal(200, home.Status);
        Assert.Equal(hub.BaseAddress.ToString(), page.Url);
        Assert.Equal("Signed in as Supervisor (agency A)", await page.Locator("h1").InnerTextAsync());
        var names = (await context.CookiesAsync()).Select(c => c.Name).ToList();
        Assert.Contains(names, n => n.StartsWith("referralhub-portal", StringComparison.Ordinal));
        Assert.Contains("referralhub-identity", names);

        // What a shared computer, a proxy log or a thief keeps: the cookies as they were while signed in.
        var copy = string.Join("; ", (await context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = hub.BaseAddress };
        using (var whileSignedIn = await GetWithCookiesAsync(replay, "/", copy))
            Assert.Equal(HttpStatusCode.OK, whileSignedIn.StatusCode); // the copy works while signed in

        await page.SubmitAsync("Sign out");
        Assert.Contains("/account/sign-in?signedOut=true", page.Url);

        // The portal refuses its old cookie (its session row is gone) and sends the browser to the gateway, which
        // refuses its old cookie too (the account's stamp changed) and asks for the password.
        using var portal = await GetWithCookiesAsync(replay, "/", copy);
        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
        var authorize = new Uri(hub.BaseAddress, portal.Headers.Location!);
        Assert.Equal("/connect/authorize", authorize.AbsolutePath);
        using var gateway = await GetWithCookiesAsync(replay, authorize.PathAndQuery, copy);
        Assert.Equal(HttpStatusCode.Redirect, gateway.StatusCode);
        Assert.StartsWith("/identity/sign-in", gateway.Headers.Location!.OriginalString);

        // Signing in again gives a new session that works.
        await page.SignInAsync("supervisor@agency-a.demo");
        Assert.Equal("Signed in as Supervisor (agency A)", await page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task A_due_access_token_is_refreshed_and_a_refused_refresh_signs_the_person_out()
    {
        await using var hub = await StartAsync(new PortalHub());
        var id = await hub.EnsurePortalPersonAsync("refresh-person", "agency-b", [Roles.Provider]);
        var cookies = new CookieContainer();
        using var browserless = PeopleSignIn.SocketBrowser(hub.BaseAddress, cookies);
        using var signedIn = await PeopleSignIn.SignInToPortalAsync(browserless, hub.BaseAddress, $"{id}@people.test", PortalPeople.Password, "/referrals");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);

        // The cookie as the portal would read it a quarter of an hour later: its access token due.
        var session = PortalTicket.Read(hub, cookies);
        var firstToken = session.Properties.GetTokenValue("access_token");
        using var renewed = await PortalTicket.GetAsync(hub, "/referrals", PortalTicket.Due(session));
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        var refreshed = PortalTicket.FromResponse(hub, renewed);
        Assert.NotEqual(firstToken, refreshed.Properties.GetTokenValue("access_token"));
        Assert.True(DateTimeOffset.Parse(refreshed.Properties.GetTokenValue("expires_at")!, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(10));

        // An agency admin disables the person at the gateway: the next refresh is refused and the portal session ends.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
            var account = (await accounts.FindByIdAsync(id))!;
            await accounts.SetLockoutEndDateAsync(account, AgencyPeople.DisabledUntil);
            await accounts.UpdateSecurityStampAsync(account);
        }
        using var refused = await PortalTicket.GetAsync(hub, "/referrals", PortalTicket.Due(refreshed));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/connect/authorize", new Uri(hub.BaseAddress, refused.Headers.Location!).AbsolutePath);
        // The session is closed on the server: even the cookie whose access token was still fresh opens nothing now.
        using var closed = await PortalTicket.GetAsync(hub, "/referrals", refreshed);
        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
    }

    private static async Task<PortalHub> StartAsync(PortalHub hub)
    {
        await hub.InitializeAsync();
        return hub;
    }

    private static Task<HttpResponseMessage> GetWithCookiesAsync(HttpClient client, string path, string cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookies);
        return client.SendAsync(request);
    }

    /// <summary>The portal's session cookie opened and sealed with the hub's own data protection, as the portal does.</summary>
    private static class PortalTicket
    {
        private const string CookieName = "referralhub-portal";

        private static CookieAuthenticationOptions Options(PortalHub hub) =>
            hub.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalSignIn.Scheme);

        public static AuthenticationTicket Read(PortalHub hub, CookieContainer cookies) => Unprotect(hub, cookies.GetCookieHeader(hub.BaseAddress));

        public static AuthenticationTicket FromResponse(PortalHub hub, HttpResponseMessage response)
        {
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            var header = string.Join("; ", setCookies.Select(c => c.Split(';')[0]).Where(c => c.StartsWith(CookieName, StringComparison.Ordinal)));
            Assert.False(string.IsNullOrEmpty(header), "the portal renewed its cookie with the new tokens");
            return Unprotect(hub, header);
        }

        private static AuthenticationTicket Unprotect(PortalHub hub, string cookieHeader)
        {
            var context = new DefaultHttpContext();
            context.Request.Headers.Cookie = cookieHeader;
            var value = new ChunkingCookieManager().GetRequestCookie(context, CookieName);
            return Options(hub).TicketDataFormat.Unprotect(value) ?? throw new InvalidOperationException("The portal's cookie does not open.");
        }

        /// <summary>The same session, its access token due (expiring now).</summary>
        public static AuthenticationTicket Due(AuthenticationTicket ticket)
        {
            var properties = ticket.Properties.Clone();
            properties.UpdateTokenValue("expires_at", DateTimeOffset.UtcNow.AddSeconds(-1).ToString("o", CultureInfo.InvariantCulture));
            return new AuthenticationTicket(ticket.Principal, properties, ticket.AuthenticationScheme);
        }

        public static Task<HttpResponseMessage> GetAsync(PortalHub hub, string path, AuthenticationTicket ticket)
        {
            var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = hub.BaseAddress };
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", $"{CookieName}={Options(hub).TicketDataFormat.Protect(ticket)}");
            return client.SendAsync(request);
        }
    }
}
