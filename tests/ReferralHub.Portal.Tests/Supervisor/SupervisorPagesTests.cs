using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Supervisor;

/// <summary>
/// Agency A's supervisor, from a phone with JavaScript off: approves a transfer its agency's setting holds for approval,
/// authorises a consent override (allowed ground + justification) for one blocked referral, and starts a whole caseload
/// transfer whose report lists the cases without consent with what to do. Agency A's system supplies the data.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SupervisorPagesTests(Browser browser) : IAsyncLifetime
{
    private const string Supervisor = "supervisor@agency-a.demo";
    private readonly PortalHub _hub = new() { Settings = new() { ["Transfers:AgenciesRequiringApproval:0"] = "agency-a" } };

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_supervisor_approves_a_transfer_waiting_for_approval()
    {
        var id = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-APPROVE-1");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Supervisor);

        await page.GetByRole(AriaRole.Link, new() { Name = "Approvals and overrides" }).First.ClickAsync();
        await page.WaitForURLAsync("**/supervisor");
        Assert.Contains("Transfer of case PORTAL-APPROVE-1 to Demo District Social Welfare Office (fictional)", await page.Locator("ul.cards").First.InnerTextAsync());
        var approved = await page.SubmitAsync("Approve the transfer of case PORTAL-APPROVE-1");

        Assert.Equal(200, approved.Status);
        Assert.StartsWith("Transfer approved.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Approve the transfer of case PORTAL-APPROVE-1" }).CountAsync());
        Assert.NotEqual(JsonValueKind.Null, (await WorkflowData.TransferAsync(_hub, id)).GetProperty("approvedAt").ValueKind);
    }

    [Fact]
    public async Task Refusing_a_transfer_asks_once_more_and_needs_a_reason()
    {
        var id = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-REFUSE-1");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Supervisor);
        await page.GotoAsync("/supervisor");

        // One tap only asks: nothing is refused yet, and "No, go back" leaves it waiting.
        var refuse = page.GetByRole(AriaRole.Link, new() { Name = "Refuse the transfer of case PORTAL-REFUSE-1" });
        await refuse.ClickAsync();
        Assert.Contains("Refuse the transfer of case PORTAL-REFUSE-1 to Demo District Social Welfare Office (fictional)?", await page.Locator("#confirm-refusal").InnerTextAsync());
        Assert.Equal("capacity-requested", (await WorkflowData.TransferAsync(_hub, id)).GetProperty("status").GetString());
        await page.ScreenshotAsync("supervisor-refuse-transfer");
        await page.GetByRole(AriaRole.Link, new() { Name = "No, go back" }).ClickAsync();
        Assert.Equal(0, await page.Locator("#confirm-refusal").CountAsync());

        // Without a reason: refused beside the field, still asking; with one: the transfer stops.
        await refuse.ClickAsync();
        await page.SubmitAsync("Yes, refuse the transfer");
        Assert.Equal("Choose why you refuse the transfer.", await page.Locator("#reason-error").InnerTextAsync());
        Assert.Equal("capacity-requested", (await WorkflowData.TransferAsync(_hub, id)).GetProperty("status").GetString());
        await page.GetByLabel("Why do you refuse it?").SelectOptionAsync(new SelectOptionValue { Label = "More information is needed first" });
        var refused = await page.SubmitAsync("Yes, refuse the transfer");

        Assert.Equal(200, refused.Status);
        Assert.StartsWith("Transfer refused.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal("approval-refused", (await WorkflowData.TransferAsync(_hub, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_supervisor_authorises_an_override_for_one_blocked_referral_on_an_allowed_ground()
    {
        var id = await WorkflowData.SendBlockedReferralAsync(_hub, "PORTAL-OVERRIDE-1");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Supervisor);
        await page.GotoAsync("/supervisor");
        await page.ScreenshotAsync("supervisor-desk");
        await page.GetByRole(AriaRole.Link, new() { Name = "Consider a consent override for case PORTAL-OVERRIDE-1" }).ClickAsync();
        await page.WaitForURLAsync($"**/supervisor/override?referral={id}");
        Assert.DoesNotContain("Amal", await page.ContentAsync()); // no personal information is needed to authorise

        await page.GetByLabel("Your justification").FillAsync("Kept after the refusal.");
        var refused = await page.SubmitAsync("Authorise the override");
        Assert.Equal(200, refused.Status); // post/redirect/get: the refused form is shown by a GET
        Assert.Equal("Choose the ground that allows this override.", await page.Locator("#ground-error").InnerTextAsync());
        Assert.Equal("Kept after the refusal.", await page.GetByLabel("Your justification").InputValueAsync());
        Assert.Equal("#ground-no-caregiver-child-too-young", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        await (await PlainWords.ForAsync(_hub)).AssertOnAsync(page);
        Assert.Equal("GET", (await page.ReloadAsync())!.Request.Method);
        Assert.Equal(0, await page.Locator("#error-summary").CountAsync());

        await page.GetByLabel("The child has no parent or guardian and is too young to consent").CheckAsync();
        await page.GetByLabel("Your justification").FillAsync("Four-year-old found alone at the distribution point; no caregiver traced yet.");
        await page.ScreenshotAsync("supervisor-override");
        var recorded = await page.SubmitAsync("Authorise the override");

        Assert.Equal(200, recorded.Status);
        Assert.Contains("Override recorded.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        await LocalTimes.AssertOnAsync(page, zoneName: null);
        using var referrer = await HubData.ReferrerAsync(_hub);
        var overrides = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/consents/PORTAL-OVERRIDE-1/overrides");
        var entry = Assert.Single(overrides.GetProperty("items").EnumerateArray());
        Assert.Equal($"referral:{id}", entry.GetProperty("releaseReference").GetString());
        Assert.Equal("no-caregiver-child-too-young", entry.GetProperty("ground").GetString());
        Assert.StartsWith("portal:", entry.GetProperty("supervisor").GetString());
    }

    [Fact]
    public async Task A_transfer_stopped_for_lack_of_consent_after_approval_gets_an_override_for_that_transfer_only()
    {
        var id = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-OVERRIDE-T1", withConsent: false);
        using (var receiver = await WorkflowData.ClientAsync(_hub, "agency-d-system", "agency-d-secret"))
            (await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "confirm", caseworkerId = "cw-9" })).EnsureSuccessStatusCode();
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Supervisor);
        await page.GotoAsync("/supervisor");

        Assert.Equal(200, (await page.SubmitAsync("Approve the transfer of case PORTAL-OVERRIDE-T1")).Status);
        Assert.NotEqual("released", (await WorkflowData.TransferAsync(_hub, id)).GetProperty("status").GetString()); // no consent: nothing handed over
        await page.GetByRole(AriaRole.Link, new() { Name = "Consider a consent override for case PORTAL-OVERRIDE-T1" }).ClickAsync();
        await page.WaitForURLAsync($"**/supervisor/override?transfer={id}");
        await page.GetByLabel("Imminent danger: severe abuse").CheckAsync();
        await page.GetByLabel("Your justification").FillAsync("Severe abuse at home; the receiving agency must take over today.");
        var recorded = await page.SubmitAsync("Authorise the override");

        Assert.Equal(200, recorded.Status);
        Assert.Contains("Override recorded.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        using var referrer = await HubData.ReferrerAsync(_hub);
        var entry = Assert.Single((await referrer.GetFromJsonAsync<JsonElement>("/api/v1/consents/PORTAL-OVERRIDE-T1/overrides")).GetProperty("items").EnumerateArray());
        Assert.Equal($"transfer:{id}", entry.GetProperty("releaseReference").GetString());
        Assert.Equal("imminent-danger-severe-abuse", entry.GetProperty("ground").GetString());

        // One override covers one release: asking again for the same transfer is refused and said so.
        await page.GotoAsync($"/supervisor/override?transfer={id}");
        await page.GetByLabel("Imminent danger: severe abuse").CheckAsync();
        await page.GetByLabel("Your justification").FillAsync("Again.");
        Assert.Equal(200, (await page.SubmitAsync("Authorise the override")).Status);
        Assert.NotEmpty(await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        Assert.Equal("Again.", await page.GetByLabel("Your justification").InputValueAsync());
    }

    [Fact]
    public async Task A_caseload_transfer_report_lists_the_cases_without_consent_with_what_to_do()
    {
        await WorkflowData.RecordConsentAsync(_hub, "PORTAL-BULK-1", "case-transfer");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Supervisor);
        await page.GotoAsync("/supervisor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Start a whole caseload transfer" }).ClickAsync();

        // Areas and agencies are picked by name, and each area's cases are listed under it: no area code is typed.
        // What the portal can see itself (an unreadable line, cases without an area) is told at once, before sending.
        var words = await PlainWords.ForAsync(_hub);
        // The codes a case line may hold for concerns and languages are listed beside their names (no script: <details>).
        await page.Locator("#codes-to-type summary").ClickAsync();
        Assert.Contains("Neglect: neglect", await page.Locator("#codes-to-type").InnerTextAsync());
        Assert.Contains("Arabic: ar", await page.Locator("#codes-to-type").InnerTextAsync());
        await page.GetByLabel("Area, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District" });
        await page.GetByLabel("Receiving agency, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District Social Welfare Office (fictional)" });
        await page.GetByLabel("Cases of row 1, one per line").FillAsync("PORTAL-BULK-1, 1-2, female, high\nPORTAL-BULK-2, 5-9, nobody, medium");
        await page.GetByLabel("Cases of row 2, one per line").FillAsync("PORTAL-BULK-3, 10-14");
        await page.GetByLabel("Area, row 3").SelectOptionAsync(new SelectOptionValue { Label = "Demo District" });
        Assert.Equal(200, (await page.SubmitAsync("Start the caseload transfer")).Status);
        var seen = await page.Locator("#error-summary").InnerTextAsync();
        Assert.Contains("Row 2, line 1: write case code, age band, sex and risk level separated by commas.", seen);
        Assert.Contains("Row 2: choose the area of these cases.", seen);
        Assert.Contains("Row 2: choose the agency that receives this area's cases.", seen);
        Assert.Contains("Row 3: this area is chosen in row 1 already; list all its cases there.", seen);
        Assert.Contains("Row 3: choose the agency that receives this area's cases.", seen);
        var links = await page.Locator("#error-summary a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(["#cases-1", "#area-1", "#agency-1", "#area-2", "#agency-2"], links);
        Assert.Contains("Row 2: choose the area of these cases.", await page.Locator("#area-1-error").InnerTextAsync());
        Assert.Equal("PORTAL-BULK-3, 10-14", await page.GetByLabel("Cases of row 2, one per line").InputValueAsync());
        await words.AssertOnAsync(page);

        // Then what the transfer service finds, every problem at once, each told by its row and line in words.
        await page.GetByLabel("Cases of row 2, one per line").FillAsync("");
        await page.GetByLabel("Area, row 3").SelectOptionAsync(new SelectOptionValue { Value = "" });
        Assert.Equal(200, (await page.SubmitAsync("Start the caseload transfer")).Status);
        var problems = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
        Assert.Contains("Row 1, line 1, age band", problems);
        Assert.Contains("Row 1, line 2, sex", problems);
        Assert.Contains("Row 1, line 2, sex", await page.Locator("#cases-0-error").InnerTextAsync());
        Assert.Equal(["#cases-0", "#cases-0"], await page.Locator("#error-summary a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        await words.AssertOnAsync(page);
        // Post/redirect/get: the refused form is shown by a GET, keeps what was typed and chosen, and a reload sends nothing.
        Assert.EndsWith("/supervisor/bulk#error-summary", page.Url);
        Assert.Equal("demo-district", await page.GetByLabel("Area, row 1").InputValueAsync());
        Assert.Equal("agency-d", await page.GetByLabel("Receiving agency, row 1").InputValueAsync());
        Assert.Contains("PORTAL-BULK-2, 5-9, nobody, medium", await page.GetByLabel("Cases of row 1, one per line").InputValueAsync());
        Assert.Equal("#cases-0", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        await page.ScreenshotAsync("supervisor-bulk-refused");
        var reload = await page.ReloadAsync();
        Assert.Equal("GET", reload!.Request.Method);
        Assert.Equal(0, await page.GetByRole(AriaRole.Alert).CountAsync());

        await page.GetByLabel("Area, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District" });
        await page.GetByLabel("Receiving agency, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District Social Welfare Office (fictional)" });

        await page.GetByLabel("Cases of row 1, one per line").FillAsync("PORTAL-BULK-1, 10-14, female, high, neglect, ar\nPORTAL-BULK-2, 5-9, male, medium");
        var started = await page.SubmitAsync("Start the caseload transfer");
        Assert.Equal(200, started.Status);
        Assert.True(Regex.IsMatch(page.Url, "/supervisor/bulk/[0-9a-f-]{36}$"), $"{page.Url}: {await page.Locator("main").InnerTextAsync()}");

        // The job runs in the background: reload (bounded) until the service reports it completed.
        for (var attempt = 0; attempt < 100 && !(await page.Locator(".tag").First.InnerTextAsync()).Contains("Completed"); attempt++)
        {
            await Task.Delay(100);
            await page.ReloadAsync();
        }
        Assert.Equal("Completed", await page.Locator(".tag").First.InnerTextAsync());
        var notHandedOver = await page.Locator("table").Nth(1).InnerTextAsync();
        Assert.Contains("PORTAL-BULK-2", notHandedOver);
        Assert.Contains("No consent to the transfer", notHandedOver);
        Assert.Contains("Contact the child or family", notHandedOver);
        Assert.Contains("PORTAL-BULK-1", await page.Locator("table").Nth(2).InnerTextAsync());
        await words.AssertOnAsync(page);
        await page.ScreenshotAsync("supervisor-bulk-report");

        // The supervisor's page lists the agency's caseload transfers with their counts: the report is a tap away,
        // no id to type.
        var report = new Uri(page.Url).AbsolutePath;
        await page.GotoAsync("/supervisor");
        Assert.Equal(0, await page.GetByLabel("Open the report of a caseload transfer (its id)").CountAsync());
        var listed = page.Locator("#bulk-jobs li", new() { Has = page.Locator($"a[href='{report}']") });
        var line = await listed.InnerTextAsync();
        Assert.Contains("2 cases: 1 proceeding, 1 not handed over", line);
        Assert.Contains("Completed", line);
        Assert.Contains("Demo District to Demo District Social Welfare Office (fictional)", line);
        await words.AssertOnAsync(page);
        await LocalTimes.AssertOnAsync(page, zoneName: null);
        await page.ScreenshotAsync("supervisor-caseload-jobs");
        await listed.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync("**" + report);
        Assert.Equal("Completed", await page.Locator(".tag").First.InnerTextAsync());
    }

    [Fact]
    public async Task A_provider_cannot_open_the_supervisor_pages()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/supervisor/override?referral=" + Guid.NewGuid()))!.Status);
    }
}
