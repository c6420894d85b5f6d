using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// What a hostile client tries at sign-in and sign-out: replaying a cookie after sign-out, telling accounts apart by
/// the answer or by the work behind it, and guessing fast. Each test has a hub of its own (accounts change).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileSignInTests(Browser browser)
{
    [Fact]
    public async Task A_copy_of_the_session_cookie_is_refused_after_sign_out()
    {
        await using var hub = await StartAsync(new PortalHub());
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("supervisor@agency-a.demo");
        // What a shared computer, a proxy log or a thief keeps: the cookies as they were while signed in.
        var copy = string.Join("; ", (await context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = hub.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookiesAsync(replay, copy)).StatusCode); // the copy works while signed in

        await page.SubmitAsync("Sign out");

        using var afterSignOut = await GetWithCookiesAsync(replay, copy);
        Assert.Equal(HttpStatusCode.Redirect, afterSignOut.StatusCode);
        Assert.Equal("/account/sign-in", new Uri(hub.BaseAddress, afterSignOut.Headers.Location!).AbsolutePath);
        // Signing in again gives a new session that works.
        await page.SignInAsync("supervisor@agency-a.demo");
        Assert.Equal("Signed in as Supervisor (agency A)", await page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task Every_failed_sign_in_gets_the_same_page_and_status_after_the_same_password_check()
    {
        var hasher = new CountingPasswordHasher();
        await using var hub = await StartAsync(new PortalHub { ConfigureTestServices = s => s.AddSingleton<IPasswordHasher<PortalUser>>(hasher) });
        using (var scope = hub.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            // Disabled (what the admin page does) and locked (too many failures): both tried with the right password.
            await users.SetLockoutEndDateAsync((await users.FindByEmailAsync("supervisor@agency-a.demo"))!, DateTimeOffset.MaxValue);
            await users.SetLockoutEndDateAsync((await users.FindByEmailAsync("coordinator@cluster.demo"))!, DateTimeOffset.UtcNow.AddHours(1));
            // Invited, no password set yet.
            var invited = new PortalUser { UserName = "invited@agency-a.demo", Email = "invited@agency-a.demo", DisplayName = "Invited person" };
            Assert.True((await users.CreateAsync(invited)).Succeeded);
        }
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();

        var attempts = new (string Email, string Password)[]
        {
            ("admin@agency-a.demo", "not-the-password"),    // wrong password
            ("nobody@agency-a.demo", "not-the-password"),   // unknown e-mail
            ("supervisor@agency-a.demo", DemoUsers.Password), // disabled
            ("coordinator@cluster.demo", DemoUsers.Password), // locked
            ("invited@agency-a.demo", "not-the-password"),  // no password yet
        };
        var pages = new List<string>();
        foreach (var (email, password) in attempts)
        {
            var checksBefore = hasher.Verifications;
            var answer = await page.SignInAsync(email, password);

            Assert.Equal(400, answer!.Status);
            Assert.Equal(checksBefore + 1, hasher.Verifications); // one password check, whatever the account
            pages.Add(await page.Locator("main").InnerTextAsync());
        }

        Assert.Single(pages.Distinct());
        Assert.Contains("locked or disabled", pages[0]);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "referralhub-portal");
    }

    [Fact]
    public async Task Too_many_sign_in_attempts_from_one_address_get_429_with_retry_after_before_any_password_check()
    {
        var hasher = new CountingPasswordHasher();
        await using var hub = await StartAsync(new PortalHub
        {
            Settings = { ["RateLimits:SignIn:PermitLimit"] = "3", ["RateLimits:SignIn:WindowSeconds"] = "3600" },
            ConfigureTestServices = s => s.AddSingleton<IPasswordHasher<PortalUser>>(hasher),
        });
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        for (var attempt = 1; attempt <= 3; attempt++)
            Assert.Equal(400, (await page.SignInAsync($"guess-{attempt}@agency-a.demo", "not-the-password"))!.Status);
        var checks = hasher.Verifications;

        var refused = await page.SignInAsync("admin@agency-a.demo"); // even the right password

        Assert.Equal(429, refused!.Status);
        Assert.True(int.Parse(await refused.HeaderValueAsync("retry-after") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Too many sign-in attempts", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.Equal(checks, hasher.Verifications);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "referralhub-portal");
        // Reading the page is not limited.
        Assert.Equal(200, (await page.GotoAsync("/account/sign-in"))!.Status);
    }

    private static async Task<PortalHub> StartAsync(PortalHub hub)
    {
        await hub.InitializeAsync();
        return hub;
    }

    private static Task<HttpResponseMessage> GetWithCookiesAsync(HttpClient client, string cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookies);
        return client.SendAsync(request);
    }

    /// <summary>The real hasher, counting how often a password is checked.</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<PortalUser>
    {
        private readonly PasswordHasher<PortalUser> _hasher = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(PortalUser user, string password) => _hasher.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(PortalUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _hasher.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
