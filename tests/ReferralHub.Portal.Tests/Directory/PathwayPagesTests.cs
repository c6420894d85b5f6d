using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Directory;

/// <summary>
/// The child protection focal point keeps the order of a pathway from a phone, JavaScript off: moves a service up
/// (the directory's pathway order changes at once, attributed), removes and adds one, and confirms it reviewed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PathwayPagesTests(Browser browser) : IAsyncLifetime
{
    private const string FocalPoint = "focalpoint@district.demo";
    private readonly PortalHub _hub = new(); // its own hub: these tests change the demo pathways

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_focal_point_reorders_a_pathway_and_the_directory_offers_in_the_new_order()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(FocalPoint);

        await page.GetByRole(AriaRole.Link, new() { Name = "Pathways", Exact = true }).First.ClickAsync();
        await page.WaitForURLAsync("**/directory/pathways");
        await page.ScreenshotAsync("directory-pathways");
        await page.GetByRole(AriaRole.Link, new() { Name = "Specialised MHPSS services in Demo District" }).ClickAsync();
        var listed = page.Locator("ol.cards > li");
        Assert.Contains("Specialised mental health care for children", await listed.Nth(0).InnerTextAsync());
        Assert.Contains("Psychiatric outpatient clinic", await listed.Nth(1).InnerTextAsync());

        var moved = await page.SubmitAsync("Move Psychiatric outpatient clinic up");

        Assert.Equal(200, moved.Status);
        Assert.StartsWith("Saved.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("Psychiatric outpatient clinic", await listed.Nth(0).InnerTextAsync());
        await page.ScreenshotAsync("directory-pathway");
        var pathway = await PathwayAsync(page.Url);
        Assert.Equal(2, pathway.GetProperty("serviceIds").GetArrayLength());
        Assert.StartsWith("portal:", pathway.GetProperty("updatedBy").GetString());
        var first = pathway.GetProperty("serviceIds")[0].GetGuid();

        // Removing asks first; "No, keep it" changes nothing.
        var remove = page.GetByRole(AriaRole.Link, new() { Name = "Remove Specialised mental health care for children from the pathway" });
        await remove.ClickAsync();
        Assert.Equal(2, (await PathwayAsync(page.Url)).GetProperty("serviceIds").GetArrayLength());
        Assert.Contains("Remove Specialised mental health care for children from this pathway?", await page.Locator("#confirm-remove").InnerTextAsync());
        await page.ScreenshotAsync("directory-pathway-remove");
        await page.GetByRole(AriaRole.Link, new() { Name = "No, keep it" }).ClickAsync();
        Assert.Equal(0, await page.Locator("#confirm-remove").CountAsync());
        Assert.Equal(2, await listed.CountAsync());
        await remove.ClickAsync();
        Assert.Equal(200, (await page.SubmitAsync("Yes, remove it")).Status);
        Assert.StartsWith("Removed from the pathway.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal(1, await listed.CountAsync());
        await page.GetByLabel("Add a service of this type delivered here").SelectOptionAsync(new SelectOptionValue { Label = "Specialised mental health care for children (Agency B Community Wellbeing (fictional))" });
        Assert.Equal(200, (await page.SubmitAsync("Add to the end")).Status);
        Assert.Contains("Specialised mental health care for children", await listed.Nth(1).InnerTextAsync());
        Assert.Equal(first, (await PathwayAsync(page.Url)).GetProperty("serviceIds")[0].GetGuid());

        Assert.Equal(200, (await page.SubmitAsync("Confirm reviewed")).Status);
        Assert.Equal("Recorded as reviewed today.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
    }

    [Fact]
    public async Task Pathways_are_grouped_by_area_and_a_camp_shows_the_pathway_it_uses_and_asks_before_starting_its_own()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(FocalPoint);
        var words = await PlainWords.ForAsync(_hub);
        await page.GotoAsync("/directory/pathways");

        // Every area of the focal point: the district's own pathways under its heading; the camps and blocks that only
        // use the pathways of the areas above them one line each, a tap from the details.
        Assert.Contains("Specialised MHPSS services in Demo District", await page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Demo District", Exact = true }) }).InnerTextAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Demo Camp 1", Exact = true }).CountAsync());
        var inheritedCount = await page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Demo District", Exact = true }) }).Locator("ul.cards > li").CountAsync();
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = $"Demo Camp 1: uses the pathways of the areas above it for {inheritedCount} service types", Exact = true }).CountAsync());
        await words.AssertOnAsync(page);

        // The filter (a GET form, no script): one area, with the pathway it uses for each service type.
        await page.GetByLabel("Show the pathways of").SelectOptionAsync(new SelectOptionValue { Label = "Demo Camp 1" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/directory/pathways?area=demo-camp-1");
        Assert.Equal(1, await page.Locator("section.area-pathways").CountAsync());
        var inherited = page.GetByRole(AriaRole.Link, new() { Name = "Specialised MHPSS services: Demo Camp 1 uses the pathway of Demo District" });
        Assert.Equal(1, await inherited.CountAsync());
        await words.AssertOnAsync(page);
        await page.ScreenshotAsync("directory-pathways-camp");

        // Starting the camp's own pathway first says what it changes; nothing is created before "Yes".
        await page.GetByLabel("Area", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Demo Camp 1" });
        await page.GetByLabel("Service type").SelectOptionAsync(new SelectOptionValue { Label = "Specialised MHPSS services" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a pathway" }).ClickAsync();
        var question = await page.Locator("#confirm-start").InnerTextAsync();
        Assert.Contains("Start a pathway for Specialised MHPSS services in Demo Camp 1?", question);
        Assert.Contains("Demo Camp 1 now uses the pathway of Demo District for Specialised MHPSS services.", question);
        Assert.Contains("empty at first", question);
        Assert.Contains("the services of Demo District's pathway follow after them", question);
        await words.AssertOnAsync(page);
        await page.ScreenshotAsync("directory-pathway-start");
        Assert.False(await CampHasPathwayAsync("specialised-mhpss"));
        await page.GetByRole(AriaRole.Link, new() { Name = "No, go back" }).ClickAsync();
        Assert.Equal(0, await page.Locator("#confirm-start").CountAsync());
        Assert.False(await CampHasPathwayAsync("specialised-mhpss"));

        await page.GetByLabel("Area", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Demo Camp 1" });
        await page.GetByLabel("Service type").SelectOptionAsync(new SelectOptionValue { Label = "Specialised MHPSS services" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Start a pathway" }).ClickAsync();
        // The same question open in a second tab: whichever answers "Yes" second is told it exists, by a GET.
        var second = await context.NewPageAsync();
        await second.GotoAsync(page.Url);
        Assert.Equal(200, (await page.SubmitAsync("Yes, start the pathway")).Status);
        Assert.StartsWith("Pathway started.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.True(await CampHasPathwayAsync("specialised-mhpss"));
        Assert.Equal(200, (await second.SubmitAsync("Yes, start the pathway")).Status);
        Assert.Contains("A pathway for this area and service type exists already", await second.Locator("#error-summary").InnerTextAsync());
        Assert.EndsWith("/directory/pathways?area=demo-camp-1#error-summary", second.Url);
        Assert.Equal("demo-camp-1", await second.Locator("#new-area").InputValueAsync());
        var reload = await second.ReloadAsync();
        Assert.Equal("GET", reload!.Request.Method);
        Assert.Equal(0, await second.Locator("#error-summary").CountAsync());

        // Now the camp lists it as its own, and no longer as one it uses from above.
        await page.GotoAsync("/directory/pathways?area=demo-camp-1");
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Specialised MHPSS services in Demo Camp 1" }).CountAsync());
        Assert.Equal(0, await inherited.CountAsync());
    }

    private async Task<bool> CampHasPathwayAsync(string serviceType)
    {
        using var api = await HubData.ReferrerAsync(_hub);
        var pathway = await api.GetFromJsonAsync<JsonElement>($"/api/v1/pathways?area=demo-camp-1&serviceType={serviceType}");
        return pathway.GetProperty("pathwayArea").GetString() == "demo-camp-1";
    }

    [Fact]
    public async Task A_supervisor_cannot_open_the_pathways()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("supervisor@agency-a.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/directory/pathways"))!.Status);
    }

    private async Task<JsonElement> PathwayAsync(string pageUrl)
    {
        var id = new Uri(pageUrl).AbsolutePath.Split('/').Last();
        using var api = await HubData.ReferrerAsync(_hub);
        return await api.GetFromJsonAsync<JsonElement>($"/api/v1/directory/pathways/{id}");
    }
}
