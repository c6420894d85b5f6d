using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Layout;

/// <summary>
/// Field workers use small phones, often zoomed: every page each role works on fits the screen without sideways
/// scrolling at 320 px and at 200 % zoom (180 CSS px), menu links are at least 24 px tall, and the menu marks the
/// page the person is on.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SmallScreenTests(Browser browser) : IAsyncLifetime
{
    private readonly PortalHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    public static TheoryData<string, string[]> PagesByRole => new()
    {
        { "provider@agency-b.demo", ["/", "/referrals", "/transfers", "/notifications"] },
        { "focalpoint@district.demo", ["/directory", "/directory/pathways"] },
        { "coordinator@cluster.demo", ["/turnaround", "/turnaround/stale"] },
        { "admin@agency-a.demo", ["/agency/users", "/agency/clients", "/agency/webhooks", "/agency/notices"] },
        { "supervisor@agency-a.demo", ["/supervisor", "/supervisor/bulk"] },
    };

    [Theory]
    [MemberData(nameof(PagesByRole))]
    public async Task Every_page_of_a_role_fits_a_small_or_zoomed_screen_with_tappable_menu_links(string person, string[] pages)
    {
        foreach (var width in new[] { 320, 180 })
        {
            await using var context = await browser.ScreenAsync(_hub.BaseAddress, width);
            var page = await context.NewPageAsync();
            await page.SignInAsync(person);
            foreach (var address in pages)
            {
                var response = await page.GotoAsync(address);
                Assert.True(response!.Ok, $"{address} answered {response.Status}");
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.True(overflow <= 0, $"{address} at {width} px scrolls sideways by {overflow} px");

                var menu = page.Locator("nav a");
                for (var i = 0; i < await menu.CountAsync(); i++)
                {
                    var box = await menu.Nth(i).BoundingBoxAsync();
                    Assert.True(box!.Height >= 24, $"menu link '{await menu.Nth(i).InnerTextAsync()}' is {box.Height} px tall on {address}");
                }
                var current = page.Locator("nav a[aria-current=page]");
                Assert.Equal(1, await current.CountAsync());
                var marked = await current.GetAttributeAsync("href");
                Assert.True(address == marked || address.StartsWith(marked + "/"), $"{address} marks {marked} in the menu");
            }
        }
    }
}
