using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Gateway.SignIn;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// The gateway's identity pages speak the portal's languages (English, French, Arabic right to left, Bengali): the
/// language the portal asks for with <c>ui_locales</c> on <c>/connect/authorize</c> reaches the sign-in page, a choice
/// link on the page is remembered, and the browser's Accept-Language is the fallback. The uniform refusal stays one
/// answer per language for every failure, and the pages stay plain forms (no script, no inline style) in every language.
/// </summary>
public sealed partial class IdentityPageLanguageTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Ui_locales_ar_on_the_authorization_request_gives_the_sign_in_page_in_arabic_right_to_left()
    {
        using var browser = hub.Browser();
        var authorize = await browser.GetAsync(GatewaySignIn.AuthorizeUrl(hub, GatewaySignIn.Pkce().Challenge) + "&ui_locales=ar%20en");
        var signIn = GatewaySignIn.Location(authorize);
        Assert.StartsWith("/identity/sign-in", signIn);

        var page = await browser.GetAsync(signIn);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html);
        Assert.Equal("تسجيل الدخول", Heading(html));
        Assert.Contains(">كلمة المرور</label>", html);
        Assert.Contains(">البريد الإلكتروني</label>", html);
        Assert.DoesNotContain("Password", html);
        // Still a plain form under the same CSP: no script, no inline style; each language offered by a plain link.
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("style=", html);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
        Assert.Contains("hreflang=\"fr\"", html);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    [InlineData("ar")]
    [InlineData("bn")]
    public async Task Every_sign_in_failure_gets_the_same_words_in_each_language(string language)
    {
        var disabled = await hub.EnsurePortalPersonAsync("lang-disabled", "agency-a", ["referrer"]);
        var noPassword = await hub.EnsurePortalPersonAsync("lang-no-password", "agency-a", ["referrer"]);
        var wrong = await hub.EnsurePortalPersonAsync("lang-wrong", "agency-a", ["referrer"]);
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
            var account = (await users.FindByIdAsync(disabled))!;
            await users.SetLockoutEnabledAsync(account, true);
            await users.SetLockoutEndDateAsync(account, AgencyPeople.DisabledUntil);
            var none = (await users.FindByIdAsync(noPassword))!;
            if (await users.HasPasswordAsync(none)) await users.RemovePasswordAsync(none);
        }
        // As the portal sends the person: ui_locales on the authorization request, carried in the return address.
        var signIn = "/identity/sign-in?returnUrl=" + Uri.EscapeDataString("/connect/authorize?client_id=referralhub-portal&ui_locales=" + language);

        var answers = new List<(HttpStatusCode Status, string Lang, string Alert)>();
        foreach (var (email, password) in new[]
        {
            ("nobody-at-all@people.test", PortalPeople.Password),
            ($"{wrong}@people.test", "not-the-password-at-all"),
            ($"{disabled}@people.test", PortalPeople.Password),
            ($"{noPassword}@people.test", PortalPeople.Password),
        })
        {
            using var browser = hub.Browser();
            var response = await GatewaySignIn.PostSignInAsync(browser, signIn, email, password);
            var html = await response.Content.ReadAsStringAsync();
            answers.Add((response.StatusCode, Regex.Match(html, "<html lang=\"([a-z]+)\"").Groups[1].Value, Alert(html)));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.Status));
        Assert.All(answers, a => Assert.Equal(language, a.Lang));
        Assert.Equal(IdentityText.In(language)["SignIn.Failed"], Assert.Single(answers.Select(a => a.Alert).Distinct()));
        if (language != "en") Assert.NotEqual(IdentityText.In("en")["SignIn.Failed"], answers[0].Alert);
    }

    [Fact]
    public async Task A_language_chosen_on_the_page_is_remembered_and_accept_language_is_the_fallback()
    {
        using var browser = hub.Browser();
        var french = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/identity/sign-in") { Headers = { { "Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5" } } });
        var frenchHtml = await french.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"fr\" dir=\"ltr\">", frenchHtml);
        Assert.Equal("Connexion", Heading(frenchHtml));
        Assert.Contains(">Mot de passe</label>", frenchHtml);

        // The choice link (a plain link: JavaScript off works) picks Bengali and the gateway remembers it.
        var bengaliHref = WebUtility.HtmlDecode(Regex.Match(frenchHtml, "<a href=\"([^\"]+)\" lang=\"bn\"").Groups[1].Value);
        Assert.Contains("lang=bn", bengaliHref);
        var chosen = await browser.GetAsync(bengaliHref);
        Assert.Equal("সাইন ইন", Heading(await chosen.Content.ReadAsStringAsync()));
        var later = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/identity/sign-in") { Headers = { { "Accept-Language", "fr" } } });
        Assert.Contains("<html lang=\"bn\" dir=\"ltr\">", await later.Content.ReadAsStringAsync());

        // An unknown language falls back to English.
        using var other = hub.Browser();
        var somali = await other.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/identity/sign-in") { Headers = { { "Accept-Language", "so" } } });
        Assert.Equal("Sign in", Heading(await somali.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task The_set_password_page_and_its_refusals_are_in_the_persons_language()
    {
        using var browser = hub.Browser();
        var invalid = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/identity/set-password?user=nobody&token=nothing") { Headers = { { "Accept-Language", "ar" } } });
        var html = await invalid.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html);
        Assert.Equal(IdentityText.In("ar")["SetPassword.Invalid"], Alert(html));

        var expired = await hub.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/identity/set-password")
        {
            Headers = { { "Accept-Language", "fr" } },
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = "x" }),
        });
        Assert.Equal(IdentityText.In("fr")["Expired.Text"], Alert(await expired.Content.ReadAsStringAsync()));
    }

    [Fact]
    public void Every_sentence_is_in_every_language()
    {
        Assert.All(IdentityText.All(), w => Assert.False(string.IsNullOrWhiteSpace(w.Text), $"{w.Key} has no {w.Code} words"));
        // Translations, not copies of the English.
        Assert.All(IdentityText.All().Where(w => w.Code != "en"), w => Assert.NotEqual(IdentityText.In("en")[w.Key], w.Text));
    }

    private static string Heading(string html) => WebUtility.HtmlDecode(Regex.Match(html, "<h1>([^<]*)</h1>").Groups[1].Value);

    private static string Alert(string html) => WebUtility.HtmlDecode(Regex.Match(html, "<p class=\"error\" role=\"alert\">([^<]*)</p>").Groups[1].Value);
}
