using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Agency;

/// <summary>
/// Agency A's admin creates an API client for a system and gives it a new secret, from a phone with JavaScript off:
/// each secret is shown once, works at once, and a replaced secret is refused at once by the token endpoint.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AgencyClientsTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task An_admin_creates_a_client_and_rotates_its_secret_and_the_old_secret_stops_working_at_once()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("admin@agency-a.demo");

        await page.GetByRole(AriaRole.Link, new() { Name = "API clients" }).First.ClickAsync();
        await page.WaitForURLAsync("**/agency/clients");
        Assert.Contains("agency-a-system", await page.Locator("table").InnerTextAsync());
        Assert.DoesNotContain("agency-b-system", await page.ContentAsync());
        await page.GetByLabel("Client id").FillAsync("agency-a-primero");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Agency A Primero");
        await page.GetByLabel("Caseworker (referrer)").CheckAsync();
        var created = await page.SubmitAsync("Create the client");

        Assert.Equal(200, created.Status);
        Assert.Contains("no-store", created.Headers["cache-control"]);
        var secret = await page.Locator("#client-secret").InnerTextAsync();
        Assert.True(secret.Length >= 40);
        await LocalTimes.AssertOnAsync(page, zoneName: null); // "Secret changed" through the one helper, not "(UTC)" by hand
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "the clients page is wider than a 360 px phone");
        await page.ScreenshotAsync("agency-clients");
        var token = new JsonWebTokenHandler().ReadJsonWebToken(await hub.TokenAsync("agency-a-primero", secret));
        Assert.Equal("agency-a", token.GetClaim("agency").Value);
        Assert.Equal(["referrer"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));

        // Post/redirect/get: the secret is shown by a GET, once; a reload sends nothing and no longer shows it.
        Assert.EndsWith("/agency/clients", page.Url);
        var reload = await page.ReloadAsync();
        Assert.Equal("GET", reload!.Request.Method);
        Assert.Contains("agency-a-primero", await page.Locator("table").InnerTextAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync());
        Assert.Equal(HttpStatusCode.OK, (await hub.RequestTokenAsync("agency-a-primero", secret)).StatusCode);
        // A demo client is registered by configuration: no button to change it here.
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "New secret agency-a-system" }).CountAsync());

        var rotatedPage = await page.SubmitAsync("New secret agency-a-primero");
        Assert.Contains("no-store", rotatedPage.Headers["cache-control"]);
        var rotated = await page.Locator("#client-secret").InnerTextAsync();
        // A reload after "new secret" makes no third secret: the one on screen keeps working.
        Assert.Equal("GET", (await page.ReloadAsync())!.Request.Method);
        Assert.Equal(0, await page.Locator("#client-secret").CountAsync());

        Assert.NotEqual(secret, rotated);
        var withOld = await hub.RequestTokenAsync("agency-a-primero", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal("invalid_client", (await withOld.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await hub.RequestTokenAsync("agency-a-primero", rotated)).StatusCode);
    }

    [Fact]
    public async Task The_gateways_field_errors_are_shown_beside_the_fields_and_nothing_is_created()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("admin@agency-a.demo");
        await page.GotoAsync("/agency/clients");

        await page.GetByLabel("Client id").FillAsync("agency-b-pretend");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Pretend");
        await page.GetByLabel("Caseworker (referrer)").CheckAsync();
        await page.GetByLabel("Supervisor", new() { Exact = true }).CheckAsync();
        var refused = await page.SubmitAsync("Create the client");

        // Post/redirect/get: the refusal is a GET with everything kept, plain words beside the fields and a summary
        // linked to them; a reload sends nothing.
        Assert.Equal("GET", refused.Request.Method);
        Assert.EndsWith("/agency/clients#error-summary", page.Url);
        Assert.Contains("your agency's code", await page.Locator("#clientId-error").InnerTextAsync());
        Assert.Contains("cannot be both caseworker and supervisor", await page.Locator("#roles-error").InnerTextAsync());
        Assert.Equal(["#clientId", "#role-referrer"], await page.Locator("#error-summary a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        Assert.Equal("agency-b-pretend", await page.GetByLabel("Client id").InputValueAsync());
        Assert.Equal("Pretend", await page.GetByLabel("Name", new() { Exact = true }).InputValueAsync());
        Assert.True(await page.GetByLabel("Caseworker (referrer)").IsCheckedAsync());
        Assert.True(await page.GetByLabel("Supervisor", new() { Exact = true }).IsCheckedAsync());
        Assert.False(await page.GetByLabel("Provider focal point").IsCheckedAsync());
        await (await PlainWords.ForAsync(hub)).AssertOnAsync(page);
        Assert.Equal("GET", (await page.ReloadAsync())!.Request.Method);
        Assert.Equal(0, await page.Locator("#error-summary").CountAsync());

        // A client id that is taken is said so beside the field (the gateway's 409), with the rest kept.
        await page.GetByLabel("Client id").FillAsync("agency-a-system");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Second system");
        await page.GetByLabel("Caseworker (referrer)").CheckAsync();
        await page.SubmitAsync("Create the client");
        Assert.Contains("Another client has this id already", await page.Locator("#clientId-error").InnerTextAsync());
        Assert.Equal("#clientId", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.Equal("Second system", await page.GetByLabel("Name", new() { Exact = true }).InputValueAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.RequestTokenAsync("agency-b-pretend", "x")).StatusCode);
    }

    [Fact]
    public async Task A_supervisor_is_refused_the_clients_and_webhooks_pages()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("supervisor@agency-a.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/agency/clients"))!.Status);
        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/agency/webhooks"))!.Status);
    }
}
