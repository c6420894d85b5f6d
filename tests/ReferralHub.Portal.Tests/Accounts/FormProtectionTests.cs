using System.Net;
using Microsoft.Playwright;
using ReferralHub.Gateway.Accounts;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// Forms refuse posts from elsewhere (antiforgery: the gateway's sign-in form and the portal's sign-out), and repeated
/// wrong passwords at the gateway lock the account, with the same words as any other failure.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FormProtectionTests(Browser browser) : IAsyncLifetime
{
    // A hub of its own: locking a demo account must not disturb other tests.
    private readonly PortalHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_sign_in_posted_without_the_forms_antiforgery_token_is_refused()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);

        // What a page on another site could post to the gateway's sign-in: right credentials, no token.
        var response = await context.APIRequest.PostAsync("/identity/sign-in", new()
        {
            Form = context.APIRequest.CreateFormData().Set("email", "admin@agency-a.demo").Set("password", DemoPeople.Password),
            MaxRedirects = 0,
        });

        Assert.Equal((int)HttpStatusCode.BadRequest, response.Status);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name is "referralhub-portal" or "referralhub-identity");
    }

    [Fact]
    public async Task A_sign_out_posted_without_the_token_leaves_the_person_signed_in()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("supervisor@agency-a.demo");

        var forged = await context.APIRequest.PostAsync("/account/sign-out", new() { MaxRedirects = 0 });
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);

        await page.GotoAsync("/");
        Assert.Equal("Signed in as Supervisor (agency A)", await page.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();

        for (var attempt = 1; attempt <= 5; attempt++)
            await page.SignInAsync("coordinator@cluster.demo", $"wrong-password-{attempt}");
        var withRightPassword = await page.SignInAsync("coordinator@cluster.demo");

        Assert.Equal(400, withRightPassword!.Status);
        // The gateway's one answer for every failure: a locked account is not told apart from a wrong password.
        Assert.Contains("cannot sign in now", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name is "referralhub-portal" or "referralhub-identity");
        await page.ScreenshotAsync("sign-in-locked");

        // Another person's account is not affected.
        await page.SignInAsync("admin@agency-a.demo");
        Assert.Equal("Signed in as Agency admin (agency A)", await page.Locator("h1").InnerTextAsync());
    }
}
