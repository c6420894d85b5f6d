using Microsoft.Playwright;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.Localisation;

/// <summary>
/// The gateway's sign-in page in a real browser on a 360 px phone with JavaScript off: reached from the authorization
/// request with <c>ui_locales=ar</c> it is Arabic and right to left, fits the screen, loads its stylesheet under its CSP
/// (no violation), answers a wrong password in Arabic, and its language links switch it without script.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GatewayPagesOnAPhoneTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task The_arabic_sign_in_page_fits_a_phone_works_without_script_and_switches_language_by_link()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy")) violations.Add(message.Text); };

        await page.GotoAsync(GatewaySignIn.AuthorizeUrl(hub, GatewaySignIn.Pkce().Challenge) + "&ui_locales=ar");

        Assert.Contains("/identity/sign-in", page.Url);
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Equal("تسجيل الدخول", await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "the page overflows a 360 px phone");
        // The gateway's stylesheet applied (a wide button), so the CSP let it load.
        Assert.True(await page.Locator("button[type=submit]").EvaluateAsync<double>("b => b.getBoundingClientRect().width") > 250);

        await page.GetByLabel("البريد الإلكتروني").FillAsync("admin@agency-a.demo");
        await page.GetByLabel("كلمة المرور").FillAsync("not the password at all");
        var refused = await page.SubmitAsync("تسجيل الدخول");
        Assert.Equal(400, refused.Status);
        Assert.Equal("rtl", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Contains("غير صحيحة", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        await page.ScreenshotAsync("ar-gateway-sign-in");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        Assert.Equal("ltr", await page.Locator("html").GetAttributeAsync("dir"));
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        Assert.Empty(violations);
    }
}
