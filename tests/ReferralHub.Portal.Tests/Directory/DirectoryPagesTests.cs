using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Directory;

/// <summary>
/// A child protection focal point keeps the demo district's mapping current from a phone, JavaScript off: stale
/// entries first, confirm reviewed, mark a service not accepting (routing follows at once), field errors beside the
/// fields, a concurrent edit caught, and no other role gets in.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DirectoryPagesTests(Browser browser) : IAsyncLifetime
{
    private const string FocalPoint = "focalpoint@district.demo";
    private readonly PortalHub _hub = new(); // its own hub: these tests change the demo mapping

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_focal_point_sees_stale_entries_first_and_confirms_one_reviewed()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(FocalPoint);

        await page.GetByRole(AriaRole.Link, new() { Name = "Services and pathways" }).First.ClickAsync();
        await page.WaitForURLAsync("**/directory");
        var stale = page.Locator("section table").First;
        Assert.Contains("General food distribution referral", await stale.InnerTextAsync());
        Assert.Contains("Shelter repair and allocation", await stale.InnerTextAsync());
        await page.ScreenshotAsync("directory-areas");

        var response = await page.SubmitAsync("Confirm General food distribution referral reviewed");

        Assert.Equal(200, response.Status);
        Assert.Equal("Recorded as reviewed today.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.DoesNotContain("General food distribution referral", await page.Locator("section table").First.InnerTextAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Confirm .* reviewed$") }).CountAsync());
    }

    [Fact]
    public async Task Marking_a_service_not_accepting_takes_it_off_the_pathway_at_once()
    {
        Assert.Contains("Child friendly space activities", await PathwayServiceNamesAsync());
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(FocalPoint);
        await page.GotoAsync("/directory");
        await page.GetByRole(AriaRole.Link, new() { Name = "Child friendly space activities" }).ClickAsync();

        await page.GetByLabel("Not accepting").CheckAsync();
        await page.GetByLabel("If not: why").FillAsync("Facilitators on leave");
        await page.GetByLabel("If not: until when").FillAsync("2031-01-15");
        await page.ScreenshotAsync("directory-service");
        var saved = await page.SubmitAsync("Save");

        Assert.Equal(200, saved.Status);
        Assert.StartsWith("Saved.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.True(await page.GetByLabel("Not accepting").IsCheckedAsync());
        Assert.Equal("2031-01-15", await page.GetByLabel("If not: until when").InputValueAsync());
        Assert.DoesNotContain("Child friendly space activities", await PathwayServiceNamesAsync());
    }

    [Fact]
    public async Task Not_accepting_without_a_reason_is_refused_beside_the_field_and_nothing_changes()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(FocalPoint);
        await page.GotoAsync("/directory");
        await page.GetByRole(AriaRole.Link, new() { Name = "Focused psychosocial groups" }).ClickAsync();
        var url = page.Url;

        await page.GetByLabel("Not accepting").CheckAsync();
        await page.GetByLabel("Name").Last.FillAsync("New Focal Person");
        var refused = await page.SubmitAsync("Save");

        Assert.Equal("GET", refused.Request.Method); // post/redirect/get: a reload sends nothing
        Assert.Equal("Say why the service is not taking referrals now.", await page.Locator("#reason-error").InnerTextAsync());
        Assert.Equal("#reason", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.Equal("New Focal Person", await page.GetByLabel("Name").Last.InputValueAsync()); // the person's input is kept
        Assert.True(await page.GetByLabel("Not accepting").IsCheckedAsync());

        // A day already past would save and silently change nothing: refused beside the field, the day kept.
        await page.GetByLabel("If not: why").FillAsync("Facilitators on leave");
        await page.GetByLabel("If not: until when").FillAsync("2025-01-15");
        await page.SubmitAsync("Save");
        Assert.StartsWith("Choose a day after today", await page.Locator("#until-error").InnerTextAsync());
        Assert.Equal("2025-01-15", await page.GetByLabel("If not: until when").InputValueAsync());
        Assert.Equal("Facilitators on leave", await page.GetByLabel("If not: why").InputValueAsync());
        await page.GotoAsync(url);
        Assert.True(await page.GetByLabel("Accepting referrals").IsCheckedAsync());
        Assert.Contains("Focused psychosocial groups", await PathwayServiceNamesAsync("focused-non-specialised-mhpss"));
    }

    [Fact]
    public async Task A_save_on_a_page_someone_else_changed_meanwhile_is_caught_and_shows_the_current_details()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var first = await context.NewPageAsync();
        var second = await context.NewPageAsync();
        await first.SignInAsync(FocalPoint);
        foreach (var page in new[] { first, second })
        {
            await page.GotoAsync("/directory");
            await page.GetByRole(AriaRole.Link, new() { Name = "Adolescent girls' GBV response" }).ClickAsync();
        }

        await first.GetByLabel("Opening hours").FillAsync("Every day 09:00–17:00");
        await first.SubmitAsync("Save");
        await second.GetByLabel("Opening hours").FillAsync("Mornings only");
        var conflict = await second.SubmitAsync("Save");

        Assert.Equal("GET", conflict.Request.Method);
        Assert.Contains("Someone else changed this entry", await second.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.Equal("Every day 09:00–17:00", await second.GetByLabel("Opening hours").InputValueAsync());
    }

    [Fact]
    public async Task A_provider_cannot_open_the_directory_pages()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/directory"))!.Status);
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Services and pathways" }).CountAsync());
    }

    /// <summary>What routing sees: the accepting services on the pathway for a camp of the demo district.</summary>
    private async Task<string> PathwayServiceNamesAsync(string serviceType = "basic-psychosocial-support")
    {
        using var api = new HttpClient { BaseAddress = _hub.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _hub.TokenAsync("agency-a-system", "agency-a-secret"));
        var pathway = await api.GetFromJsonAsync<JsonElement>($"/api/v1/pathways?area=demo-camp-1&serviceType={serviceType}");
        return string.Join("|", pathway.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }
}
