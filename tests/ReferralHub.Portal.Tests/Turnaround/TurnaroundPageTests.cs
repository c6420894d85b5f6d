using System.Net;
using System.Net.Http.Json;
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

        var table = await page.Locator("#turnaround-cells").InnerTextAsync();
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
    public async Task Charts_draw_only_groups_of_five_or_more_and_say_their_figures_in_words_and_tables()
    {
        // Eleven referrals in one group: five accepted, five declined for lack of capacity, one as not eligible, all
        // answered at once. The one "not eligible" decline is a count under 5: said as such, never drawn as 0.
        using var provider = await WorkflowData.ClientAsync(_hub, "agency-b-system", "agency-b-secret");
        for (var i = 0; i < 11; i++)
        {
            var id = await HubData.SendReferralAsync(_hub, $"PORTAL-CHART-{i}");
            var answer = i < 5
                ? await provider.PostAsJsonAsync($"/api/v1/referrals/{id}/accept", new { })
                : await provider.PostAsJsonAsync($"/api/v1/referrals/{id}/decline", new { reason = i < 10 ? "no-capacity" : "not-eligible" });
            answer.EnsureSuccessStatusCode();
        }
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("coordinator@cluster.demo");
        await page.GotoAsync("/turnaround?ServiceType=specialised-mhpss");

        var charts = page.Locator("svg[role=img]");
        Assert.Equal(4, await charts.CountAsync());
        // Each chart is an image named by its title and description (what a screen reader says), with its figures as text.
        var acceptance = page.GetByRole(AriaRole.Img, new() { Name = "Acceptance rate by month" });
        Assert.Contains("45% of 11", await acceptance.TextContentAsync());
        Assert.Contains("0% of 11", await page.GetByRole(AriaRole.Img, new() { Name = "Overdue share by month" }).TextContentAsync());
        Assert.Contains("11 referrals", await page.GetByRole(AriaRole.Img, new() { Name = "Time to answer" }).TextContentAsync()); // all within 24 h
        var declines = await page.GetByRole(AriaRole.Img, new() { Name = "Declines by reason" }).TextContentAsync();
        Assert.Contains("No capacity", declines);
        Assert.Contains("fewer than 5", declines);
        await page.GetByText("The charts' figures as tables").ClickAsync(); // <details> opens without JavaScript
        Assert.Contains("Within 24 hours", await page.Locator("details table").Nth(1).InnerTextAsync());
        Assert.Contains("45%", await page.Locator("details table").First.InnerTextAsync());
        Assert.Contains("fewer than 5", await page.Locator("details table").Nth(2).InnerTextAsync());
        Assert.DoesNotContain("PORTAL-CHART", await page.ContentAsync());
        await page.ScreenshotAsync("coordinator-charts");
    }

    [Fact]
    public async Task The_coordinator_sees_directory_entries_needing_review_with_who_should_review_them()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("coordinator@cluster.demo");
        await page.GotoAsync("/turnaround");
        await page.GetByRole(AriaRole.Link, new() { Name = "Directory entries needing review" }).ClickAsync();

        var stale = await page.Locator("#stale-entries").InnerTextAsync();
        Assert.Contains("General food distribution referral", stale);
        Assert.Contains("Shelter repair and allocation", stale);
        Assert.Contains("Amina Demo", stale); // the district's child protection focal point reviews them
        await page.ScreenshotAsync("coordinator-stale");
    }

    [Theory]
    [InlineData("0", "1")]
    [InlineData("99", "36")]
    [InlineData("abc", "12")]
    public async Task Months_the_report_cannot_use_are_said_beside_the_field_with_the_months_shown_instead(string typed, string used)
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("coordinator@cluster.demo");
        await page.GotoAsync("/turnaround?Months=" + typed);

        Assert.Equal($"Months back: a whole number from 1 to 36. The box now says {used}, and the figures below go back that many months.",
            await page.Locator("#months-error").InnerTextAsync());
        Assert.Equal(used, await page.GetByLabel("Months back").InputValueAsync());
        Assert.Equal("true", await page.GetByLabel("Months back").GetAttributeAsync("aria-invalid"));
        await page.GotoAsync("/turnaround?Months=6");
        Assert.Equal("", await page.Locator("#months-error").InnerTextAsync());
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
