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
