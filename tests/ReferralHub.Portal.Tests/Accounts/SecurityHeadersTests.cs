using System.Net;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// The browser protections are on every kind of portal answer: a page, a redirect to sign-in, the server's 403 page,
/// a 404, a refused form post; and the pages still work under the content security policy (no script, no inline style).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityHeadersTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task Pages_redirects_refusals_and_errors_all_carry_the_security_headers()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = hub.BaseAddress };

        using var page = await client.GetAsync("/account/sign-in?signedOut=true");
        using var redirect = await client.GetAsync("/agency/users"); // to the gateway's sign-in (the OpenID Connect challenge)
        using var missing = await client.GetAsync("/no-such-page");
        using var forged = await client.PostAsync("/account/sign-out", new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "y" }));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.True((int)missing.StatusCode >= 400, $"{missing.StatusCode}");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        foreach (var response in new[] { page, redirect, missing, forged })
        {
            var headers = response.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value));
            foreach (var h in response.Content.Headers) headers[h.Key.ToLowerInvariant()] = string.Join(", ", h.Value);
            AssertProtected(headers, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.AbsolutePath} ({(int)response.StatusCode})");
        }
        Assert.True(page.Headers.CacheControl?.NoStore, "a page is not cached");
        Assert.True(redirect.Headers.CacheControl?.NoStore, "a redirect is not cached");
    }

    [Fact]
    public async Task The_servers_403_page_carries_them_and_signed_in_pages_work_under_the_policy()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text); };

        var home = await page.SignInAsync("admin@agency-a.demo");
        AssertProtected(await home!.AllHeadersAsync(), "home page");
        foreach (var path in new[] { "/agency/users", "/agency/clients", "/agency/webhooks" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            AssertProtected(await response.AllHeadersAsync(), path);
            // The stylesheet loaded and applies (a blocked one leaves no rules).
            Assert.True(await page.EvaluateAsync<bool>("() => document.styleSheets.length > 0 && [...document.styleSheets].every(s => s.cssRules.length > 0)"), $"{path}: no styles");
        }
        Assert.Empty(violations);

        await using var providerContext = await browser.PhoneAsync(hub.BaseAddress);
        var provider = await providerContext.NewPageAsync();
        await provider.SignInAsync("provider@agency-b.demo");
        var forbidden = await provider.GotoAsync("/agency/users");
        Assert.Equal(403, forbidden!.Status);
        AssertProtected(await forbidden.AllHeadersAsync(), "403 page");
    }

    private static void AssertProtected(IReadOnlyDictionary<string, string> headers, string what)
    {
        Assert.True(headers.TryGetValue("content-security-policy", out var csp), $"{what}: no Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("default-src 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("DENY", headers.GetValueOrDefault("x-frame-options"));
        Assert.Equal("nosniff", headers.GetValueOrDefault("x-content-type-options"));
        Assert.Equal("no-referrer", headers.GetValueOrDefault("referrer-policy"));
        Assert.True(headers.ContainsKey("permissions-policy"), $"{what}: no Permissions-Policy");
        // Development (the test host) is plain http: no HSTS there (it is sent outside Development).
        Assert.False(headers.ContainsKey("strict-transport-security"), $"{what}: HSTS in Development");
    }
}
