using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Errors;

/// <summary>
/// A person who follows an old link or types a bad id gets a page in their language with a way home (404), never
/// a JSON answer meant for systems; systems calling an unknown API address keep their machine-readable answer.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotFoundPageTests(Browser browser) : IAsyncLifetime
{
    private readonly PortalHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Theory]
    [InlineData("/nothing-here")]
    [InlineData("/referrals/not-a-guid")]
    [InlineData("/directory/services/12345")]
    public async Task A_signed_in_person_gets_the_page_not_found_with_a_way_home(string address)
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        var response = await page.GotoAsync(address);

        Assert.Equal(404, response!.Status);
        Assert.StartsWith("text/html", response.Headers["content-type"]);
        Assert.Equal("Page not found", await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).InnerTextAsync());
        if (address == "/nothing-here") await page.ScreenshotAsync("not-found");
        var home = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Link, new() { Name = "Go to the start page" }).ClickAsync(),
            r => r.Request.IsNavigationRequest && r.Frame == page.MainFrame);
        Assert.Equal(200, home.Status);
    }

    [Fact]
    public async Task A_person_not_signed_in_is_sent_to_sign_in_not_given_json()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/nothing-here");

        // The gateway's sign-in page (people sign in at the hub's identity provider).
        Assert.Contains("/identity/sign-in", page.Url, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).CountAsync());
    }

    [Fact]
    public async Task A_system_asking_an_unknown_api_address_still_gets_a_machine_answer()
    {
        using var http = new HttpClient { BaseAddress = _hub.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nothing-here");
        request.Headers.Accept.ParseAdd("text/html,application/json");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("Page not found", await response.Content.ReadAsStringAsync());
    }
}
