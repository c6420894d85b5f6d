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

        // Areas and agencies are picked by name, each area's cases listed under it, each case's age, sex and risk
        // chosen and its concerns and languages ticked by name: no code is typed or shown, not even as a key to type.
        var words = await PlainWords.ForAsync(_hub);
        Assert.Equal(0, await page.Locator("main code").CountAsync());
        await words.AssertOnAsync(page);
        await page.GetByLabel("Area, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District" });
        await page.GetByLabel("Receiving agency, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District Social Welfare Office (fictional)" });
        await FillCaseAsync(page, "case-0-0", "PORTAL-BULK-1", "10 to 14 years", "Female", "High", concerns: ["Neglect", "Child labour"], languages: ["Arabic"]);
        await FillCaseAsync(page, "case-0-1", "PORTAL-BULK-2", "5 to 9 years", null, null);

        // More rows and more cases by a button (no script) that keeps everything and lands on the new boxes.
        Assert.Equal(200, (await page.SubmitAsync("Add another area")).Status);
        Assert.EndsWith("/supervisor/bulk#row-1", page.Url);
        Assert.Equal(0, await page.GetByRole(AriaRole.Alert).CountAsync());
        Assert.Equal("PORTAL-BULK-1", await page.Locator("#case-0-0-code").InputValueAsync());
        Assert.Equal("10-14", await page.Locator("#case-0-0-age").InputValueAsync());
        Assert.Equal("Protection concerns: Child labour, Neglect", await page.Locator("#case-0-0-concerns summary").InnerTextAsync());
        Assert.True(await page.Locator("#case-0-0-languages").GetByLabel("Arabic").IsCheckedAsync());
        Assert.Equal("agency-d", await page.GetByLabel("Receiving agency, row 1").InputValueAsync());
        Assert.Equal(3, await page.Locator("#row-1 fieldset.case").CountAsync());
        Assert.Equal(200, (await page.SubmitAsync("Add 3 more cases to row 1")).Status);
        Assert.EndsWith("#case-0-3", page.Url);
        Assert.Equal(6, await page.Locator("#row-0 fieldset.case").CountAsync());
        Assert.Equal("PORTAL-BULK-2", await page.Locator("#case-0-1-code").InputValueAsync());

        // An area without a receiving agency yet is allowed: its cases are checked and reported as not handed over.
        await page.GetByLabel("Area, row 2").SelectOptionAsync(new SelectOptionValue { Label = "Demo Camp 1" });
        await FillCaseAsync(page, "case-1-0", "PORTAL-BULK-3", "15 to 17 years", "Male", "Low");
        await FillCaseAsync(page, "case-1-1", "PORTAL-BULK-2", "0 to 4 years", "Not known", "Medium");
        Assert.Equal(200, (await page.SubmitAsync("Add another area")).Status);
        await page.GetByLabel("Area, row 3").SelectOptionAsync(new SelectOptionValue { Label = "Demo District" });

        // What the portal can see itself is told at once, by row and case, each line linked to its field.
        Assert.Equal(200, (await page.SubmitAsync("Start the caseload transfer")).Status);
        Assert.EndsWith("/supervisor/bulk#error-summary", page.Url);
        var seen = await page.Locator("#error-summary").InnerTextAsync();
        Assert.Contains("Row 1, case 2: choose the sex.", seen);
        Assert.Contains("Row 1, case 2: choose the risk level.", seen);
        Assert.Contains("Row 3: this area is chosen in row 1 already; list all its cases there.", seen);
        Assert.Equal(["#case-0-1-sex", "#case-0-1-risk", "#area-2"], await Links(page));
        Assert.Contains("Row 1, case 2: choose the sex.", await page.Locator("#case-0-1-error").InnerTextAsync());
        Assert.Equal("true", await page.Locator("#case-0-1-sex").GetAttributeAsync("aria-invalid"));
        // Everything typed, chosen and ticked is kept, the added rows and cases too.
        Assert.Equal("PORTAL-BULK-3", await page.Locator("#case-1-0-code").InputValueAsync());
        Assert.Equal("unknown", await page.Locator("#case-1-1-sex").InputValueAsync());
        Assert.Equal("demo-camp-1", await page.GetByLabel("Area, row 2").InputValueAsync());
        Assert.Equal("", await page.GetByLabel("Receiving agency, row 2").InputValueAsync());
        Assert.True(await page.Locator("#case-0-0-concerns").GetByLabel("Neglect", new() { Exact = true }).IsCheckedAsync());
        Assert.Equal(6, await page.Locator("#row-0 fieldset.case").CountAsync());
        await words.AssertOnAsync(page);
        await page.ScreenshotAsync("supervisor-bulk-refused");
        // Post/redirect/get: a reload sends nothing.
        Assert.Equal("GET", (await page.ReloadAsync())!.Request.Method);
        Assert.Equal(0, await page.GetByRole(AriaRole.Alert).CountAsync());

        // Then what the transfer service finds, told by row and case in words: a case listed twice...
        await page.GotoAsync("/supervisor/bulk");
        await page.GetByLabel("Area, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District" });
        await page.GetByLabel("Receiving agency, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Agency B Community Wellbeing (fictional)" });
        await FillCaseAsync(page, "case-0-0", "PORTAL-BULK-1", "10 to 14 years", "Female", "High", concerns: ["Neglect"], languages: ["Arabic", "Somali"]);
        await FillCaseAsync(page, "case-0-1", "PORTAL-BULK-2", "5 to 9 years", "Male", "Medium");
        Assert.Equal(200, (await page.SubmitAsync("Add another area")).Status);
        await page.GetByLabel("Area, row 2").SelectOptionAsync(new SelectOptionValue { Label = "Demo Camp 1" });
        await FillCaseAsync(page, "case-1-0", "PORTAL-BULK-3", "15 to 17 years", "Male", "Low");
        await FillCaseAsync(page, "case-1-1", "PORTAL-BULK-2", "0 to 4 years", "Not known", "Medium");
        Assert.Equal(200, (await page.SubmitAsync("Start the caseload transfer")).Status);
        Assert.Contains("Row 2, case 2, case code: Listed twice.", await page.Locator("#error-summary").InnerTextAsync());
        Assert.Equal(["#case-1-1-code"], await Links(page));
        await words.AssertOnAsync(page);
        // ...then an agency that does not take case management cases in the area, named, never quoted as a code.
        await page.Locator("#case-1-1-code").FillAsync("PORTAL-BULK-4");
        Assert.Equal(200, (await page.SubmitAsync("Start the caseload transfer")).Status);
        Assert.Contains("Row 1: Agency B Community Wellbeing (fictional) does not take case management cases in Demo District.", await page.Locator("#error-summary").InnerTextAsync());
        Assert.Equal(["#agency-0"], await Links(page));
        await words.AssertOnAsync(page);

        await page.GetByLabel("Receiving agency, row 1").SelectOptionAsync(new SelectOptionValue { Label = "Demo District Social Welfare Office (fictional)" });
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
        // The camp without a receiving agency: its cases are listed, in words, with what to do.
        var noReceiver = page.Locator("table").Nth(1).Locator("tr", new() { HasText = "PORTAL-BULK-3" });
        Assert.Contains("Demo Camp 1", await noReceiver.InnerTextAsync());
        Assert.Contains("No receiving agency for the area", await noReceiver.InnerTextAsync());
        Assert.Contains("Name a receiving case management agency for this area", await noReceiver.InnerTextAsync());
        Assert.Contains("PORTAL-BULK-4", notHandedOver);
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
        Assert.Contains("4 cases: 1 proceeding, 3 not handed over", line);
        Assert.Contains("Completed", line);
        Assert.Contains("Demo District to Demo District Social Welfare Office (fictional)", line);
        await words.AssertOnAsync(page);
        await LocalTimes.AssertOnAsync(page, zoneName: null);
        await page.ScreenshotAsync("supervisor-caseload-jobs");
        await listed.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync("**" + report);
        Assert.Equal("Completed", await page.Locator(".tag").First.InnerTextAsync());
    }

    /// <summary>Fills one case's boxes on the caseload form: code typed, the rest chosen or ticked by their words.</summary>
    private static async Task FillCaseAsync(IPage page, string id, string code, string age, string? sex, string? risk, string[]? concerns = null, string[]? languages = null)
    {
        await page.Locator($"#{id}-code").FillAsync(code);
        await page.Locator($"#{id}-age").SelectOptionAsync(new SelectOptionValue { Label = age });
        if (sex is not null) await page.Locator($"#{id}-sex").SelectOptionAsync(new SelectOptionValue { Label = sex });
        if (risk is not null) await page.Locator($"#{id}-risk").SelectOptionAsync(new SelectOptionValue { Label = risk });
        foreach (var (fold, ticks) in new[] { ("concerns", concerns), ("languages", languages) })
        {
            if (ticks is null) continue;
            await page.Locator($"#{id}-{fold} summary").ClickAsync();
            foreach (var tick in ticks) await page.Locator($"#{id}-{fold}").GetByLabel(tick, new() { Exact = true }).CheckAsync();
        }
    }

    private static Task<string[]> Links(IPage page) =>
        page.Locator("#error-summary a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");

    [Fact]
    public async Task A_provider_cannot_open_the_supervisor_pages()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/supervisor/override?referral=" + Guid.NewGuid()))!.Status);
    }
}
