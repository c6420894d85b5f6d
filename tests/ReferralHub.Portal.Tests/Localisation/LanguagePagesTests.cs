using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Localisation;

/// <summary>
/// One page per role in Arabic (right to left) and in French, from the browser's language, JavaScript off, within the
/// 100 KB first-load budget; and a person's own language choice outlives their session and wins over the browser's.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguagePagesTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    private const long Budget = 100 * 1024;

    [Theory]
    [InlineData("ar", "rtl", "/referrals", "provider@agency-b.demo", "الإحالات إلى خدماتك", "provider")]
    [InlineData("ar", "rtl", "/directory", "focalpoint@district.demo", "الخدمات ومسارات الإحالة في مناطقك", "pathway-maintainer")]
    [InlineData("ar", "rtl", "/supervisor", "supervisor@agency-a.demo", "الموافقات واستثناءات الموافقة المستنيرة", "supervisor")]
    [InlineData("ar", "rtl", "/turnaround", "coordinator@cluster.demo", "مدة الاستجابة للإحالات", "coordinator")]
    [InlineData("ar", "rtl", "/agency/users", "admin@agency-a.demo", "مستخدمو البوابة في Agency A Child Protection International (fictional)", "agency-admin")]
    [InlineData("fr", "ltr", "/referrals", "provider@agency-b.demo", "Orientations vers vos services", "provider")]
    [InlineData("fr", "ltr", "/directory", "focalpoint@district.demo", "Services et parcours de vos zones", "pathway-maintainer")]
    [InlineData("fr", "ltr", "/supervisor", "supervisor@agency-a.demo", "Approbations et dérogations au consentement", "supervisor")]
    [InlineData("fr", "ltr", "/turnaround", "coordinator@cluster.demo", "Délais des orientations", "coordinator")]
    [InlineData("fr", "ltr", "/agency/users", "admin@agency-a.demo", "Utilisateurs du portail de Agency A Child Protection International (fictional)", "agency-admin")]
    public async Task A_page_per_role_renders_in_the_browsers_language_within_the_budget(
        string locale, string direction, string path, string user, string heading, string role)
    {
        await using var session = await browser.PhoneAsync(hub.BaseAddress, locale: locale);
        var page = await session.NewPageAsync();
        await SignInAsync(page, user);

        // An empty cache with the signed-in session's cookie: the worst first visit, as PageWeightTests measures it.
        await using var fresh = await browser.PhoneAsync(hub.BaseAddress, locale: locale);
        await fresh.AddCookiesAsync((await session.CookiesAsync()).Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
        var cold = await fresh.NewPageAsync();
        var measured = new List<IRequest>();
        cold.RequestFinished += (_, request) => measured.Add(request);
        var response = await cold.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
        Assert.Equal(200, response!.Status);

        var html = cold.Locator("html");
        Assert.Equal(locale, await html.GetAttributeAsync("lang"));
        Assert.Equal(direction, await html.GetAttributeAsync("dir"));
        Assert.Equal(heading, (await cold.Locator("h1").First.InnerTextAsync()).Trim());

        long transferred = 0;
        foreach (var request in measured)
        {
            var sizes = await request.SizesAsync();
            transferred += sizes.ResponseHeadersSize + sizes.ResponseBodySize;
        }
        Assert.True(transferred <= Budget, $"{path} in {locale} transferred {transferred} bytes (budget {Budget})");
        await cold.ScreenshotAsync($"{locale}-{role}");
    }

    [Fact]
    public async Task A_persons_language_choice_is_remembered_across_sessions_and_wins_over_the_browser()
    {
        // Chosen once, in French, on a browser that asks for English.
        await using (var first = await browser.PhoneAsync(hub.BaseAddress))
        {
            var page = await first.NewPageAsync();
            await page.SignInAsync("casework@agency-d.demo");
            await page.GotoAsync("/notifications");
            await page.GetByLabel("Language").SelectOptionAsync("fr");
            await page.SubmitAsync("Save language");
            Assert.Equal("Avis et langue", (await page.Locator("h1").InnerTextAsync()).Trim());
        }

        // Another device, an English browser, no cookie: signing in brings the choice back.
        await using var second = await browser.PhoneAsync(hub.BaseAddress);
        var again = await second.NewPageAsync();
        await again.SignInAsync("casework@agency-d.demo");
        await again.GotoAsync("/transfers");
        Assert.Equal("fr", await again.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal("Demandes de transfert vers votre agence", (await again.Locator("h1").InnerTextAsync()).Trim());
    }

    /// <summary>Signs in by the form's fields, whatever the page's language.</summary>
    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/sign-in");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(ReferralHub.Gateway.Accounts.DemoPeople.Password);
        await page.RunAndWaitForResponseAsync(() => page.Locator("main form button[type=submit]").ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Frame == page.MainFrame && r.Status is < 300 or >= 400);
    }
}
