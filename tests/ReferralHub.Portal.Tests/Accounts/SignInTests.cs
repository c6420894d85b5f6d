using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// Individual accounts, signed in at the gateway (the portal is its OpenID Connect client): sign in, see your own
/// agency only, be refused what your role may not see, sign out.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task An_agency_admin_signs_in_on_a_phone_and_sees_their_own_agencys_users_only()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/sign-in");
        await page.ScreenshotAsync("sign-in");
        var signedIn = await page.SignInAsync("admin@agency-a.demo");

        Assert.Equal(200, signedIn!.Status);
        Assert.Equal("Signed in as Agency admin (agency A)", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("Agency admin", await page.Locator("dl").InnerTextAsync());

        await page.GetByRole(AriaRole.Link, new() { Name = "Portal users" }).First.ClickAsync();
        await page.WaitForURLAsync(new Regex("/agency/users$"));
        var table = await page.Locator("table").InnerTextAsync();
        Assert.Contains("admin@agency-a.demo", table);
        Assert.Contains("supervisor@agency-a.demo", table);
        Assert.DoesNotContain("agency-b", table);
        Assert.DoesNotContain("coordinator@cluster.demo", table);
        await page.ScreenshotAsync("agency-users");

        // Nothing overflows sideways on a 360 px screen (the table stacks its cells).
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "the users page is wider than a 360 px phone");
    }

    [Fact]
    public async Task A_page_of_another_role_is_refused_by_the_server_with_403()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Portal users" }).CountAsync());
        var response = await page.GotoAsync("/agency/users");

        Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
        Assert.Equal("Not allowed", await page.Locator("h1").InnerTextAsync());
        Assert.DoesNotContain("admin@agency-a.demo", await page.ContentAsync());
    }

    [Fact]
    public async Task Without_signing_in_every_page_leads_to_the_sign_in_page_and_back()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/agency/users");
        // The gateway's page, on its way back to the gateway's authorize endpoint for the portal.
        Assert.Contains("/identity/sign-in?returnUrl=%2Fconnect%2Fauthorize", page.Url);
        await page.GetByLabel("E-mail").FillAsync("admin@agency-a.demo");
        await page.GetByLabel("Password").FillAsync(ReferralHub.Gateway.Accounts.DemoPeople.Password);
        await page.SubmitAsync("Sign in");

        Assert.EndsWith("/agency/users", page.Url);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_the_same_words_as_an_unknown_email()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();

        var wrongPassword = await page.SignInAsync("supervisor@agency-a.demo", "not-the-password");
        var wrongPasswordText = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
        var unknownEmail = await page.SignInAsync("nobody@agency-a.demo", "not-the-password");

        Assert.Equal(400, wrongPassword!.Status);
        Assert.Equal(400, unknownEmail!.Status);
        Assert.Equal(wrongPasswordText, await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "referralhub-portal");
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("supervisor@agency-a.demo");

        await page.SubmitAsync("Sign out");

        Assert.Contains("You are signed out.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        await page.GotoAsync("/");
        // The gateway's session ended too: it asks for the password again.
        Assert.Contains("/identity/sign-in", page.Url);
    }
}
