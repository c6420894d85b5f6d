using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests;

/// <summary>
/// A first visit on a slow, expensive connection: every main page, with everything it loads, stays under 100 KB
/// transferred (headers and bodies, nothing cached), and every form control has a label.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageWeightTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    private const long Budget = 100 * 1024;

    [Theory]
    [InlineData("/account/sign-in?signedOut=true", null)] // the portal's own page; the password is typed on the gateway's (GatewaySignInTests)
    [InlineData("/", "admin@agency-a.demo")]
    [InlineData("/agency/users", "admin@agency-a.demo")]
    [InlineData("/directory", "focalpoint@district.demo")]
    [InlineData("/referrals", "provider@agency-b.demo")]
    [InlineData("/turnaround", "coordinator@cluster.demo")]
    [InlineData("/transfers", "casework@agency-d.demo")]
    [InlineData("/supervisor", "supervisor@agency-a.demo")]
    [InlineData("/supervisor/bulk", "supervisor@agency-a.demo")]
    [InlineData("/directory/pathways", "focalpoint@district.demo")]
    [InlineData("/directory/escalations", "focalpoint@district.demo")]
    [InlineData("/turnaround/stale", "coordinator@cluster.demo")]
    [InlineData("/agency/users/invite", "admin@agency-a.demo")]
    [InlineData("/agency/clients", "admin@agency-a.demo")]
    [InlineData("/agency/webhooks", "admin@agency-a.demo")]
    [InlineData("/agency/notices", "admin@agency-a.demo")]
    [InlineData("/notifications", "provider@agency-b.demo")]
    public async Task A_first_load_transfers_at_most_100_KB_and_labels_every_control(string path, string? user)
    {
        await using var session = await browser.PhoneAsync(hub.BaseAddress);
        if (user is not null) await (await session.NewPageAsync()).SignInAsync(user);

        // The signed-in session's cookie, but an empty cache: the worst first visit.
        await using (var fresh = await browser.PhoneAsync(hub.BaseAddress))
        {
            await fresh.AddCookiesAsync((await session.CookiesAsync()).Select(c => new Cookie
            {
                Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
            }));
            var cold = await fresh.NewPageAsync();
            var measured = new List<IRequest>();
            cold.RequestFinished += (_, request) => measured.Add(request);
            var response = await cold.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
            Assert.Equal(200, response!.Status);

            long transferred = 0;
            foreach (var request in measured)
            {
                var sizes = await request.SizesAsync();
                transferred += sizes.ResponseHeadersSize + sizes.ResponseBodySize;
            }
            Assert.True(transferred <= Budget, $"{path} transferred {transferred} bytes (budget {Budget})");
            Assert.Contains(measured, r => r.Url.Contains("/portal.css", StringComparison.Ordinal));

            var unlabelled = await cold.EvaluateAsync<string[]>(
                """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => !(e.labels && e.labels.length)).map(e => e.name)""");
            Assert.Empty(unlabelled);
        }
    }
}
