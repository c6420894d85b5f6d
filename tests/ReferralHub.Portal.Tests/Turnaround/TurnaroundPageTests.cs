using System.Net;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Turnaround;

/// <summary>A coordinator reads anonymous turnaround figures, filters them and downloads them; small groups stay "&lt;5".</summary>
[Collection(BrowserCollection.Name)]
public sealed class TurnaroundPageTests(Browser browser) : IAsyncLifetime
{
    private readonly PortalHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_coordinator_sees_and_downloads_anonymous_figures_with_small_groups_hidden()
    {
        await HubData.SendReferralAsync(_hub, "PORTAL-TURNAROUND-1");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("coordinator@cluster.demo");

        await page.GetByRole(AriaRole.Link, new() { Name = "Referral turnaround" }).First.ClickAsync();
        await page.GetByLabel("Service type").SelectOptionAsync("specialised-mhpss");
        await page.SubmitAsync("Show");

        var table = await page.Locator("table").InnerTextAsync();
        Assert.Contains("Specialised MHPSS services", table);
        Assert.Contains("<5", table);
        Assert.DoesNotContain("PORTAL-TURNAROUND-1", await page.ContentAsync());
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        await page.ScreenshotAsync("coordinator-turnaround");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download these figures (CSV)" }).ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("month,service_type,agency,area,priority,sent", csv);
        Assert.Contains("specialised-mhpss,agency-a,demo-camp-1,high,<5", csv);
        Assert.DoesNotContain("PORTAL-TURNAROUND-1", csv);
    }

    [Fact]
    public async Task A_provider_cannot_open_the_turnaround_figures()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/turnaround"))!.Status);
    }
}
