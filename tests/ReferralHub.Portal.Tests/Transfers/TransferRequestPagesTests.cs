using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Transfers;

/// <summary>
/// Agency D's case management focal point answers transfer capacity requests from a phone, JavaScript off: only the
/// non-personal summary, confirm needs the receiving caseworker (picked from the codes agency D already uses, with
/// their open cases, or another typed; then the handover continues with consent), decline needs a reason. Agency A's
/// system sends the transfers through the real API; consent is real.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TransferRequestPagesTests(Browser browser) : IAsyncLifetime
{
    private const string Receiver = "casework@agency-d.demo";
    private const string NoCaseworker = "Choose the caseworker who will take the case, or choose “Another caseworker” and type their id (your agency's code, not a name).";
    private readonly PortalHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_receiving_agency_confirms_with_a_caseworker_sees_the_released_case_and_takes_responsibility()
    {
        var id = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-TRANSFER-1");
        await WorkflowData.AttachAsync(_hub, id, "case-plan.txt", "Case plan: weekly visits, school enrolment.");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Receiver);

        await page.GetByRole(AriaRole.Link, new() { Name = "Transfer requests" }).First.ClickAsync();
        await page.WaitForURLAsync("**/transfers");
        Assert.Contains("Case from Agency A Child Protection International (fictional)", await page.Locator("ul.cards").First.InnerTextAsync());
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        await page.ScreenshotAsync("provider-transfer-requests");

        await page.GotoAsync($"/transfers/{id}");
        Assert.Contains("10 to 14 years", await page.Locator("dl.payload").First.InnerTextAsync());
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        Assert.DoesNotContain("PORTAL-TRANSFER-1", await page.ContentAsync()); // the sender's case code: consent-controlled
        var refused = await page.SubmitAsync("Confirm with this caseworker");
        Assert.Equal("GET", refused.Request.Method); // post/redirect/get: a reload sends nothing
        Assert.Equal(NoCaseworker, await page.Locator("#caseworker-error").InnerTextAsync());
        Assert.Equal("#caseworkerId", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.Equal("capacity-requested", (await WorkflowData.TransferAsync(_hub, id)).GetProperty("status").GetString());

        await page.GetByLabel("Receiving caseworker's id").FillAsync("cw-17");
        var confirmed = await page.SubmitAsync("Confirm with this caseworker");

        Assert.Equal(200, confirmed.Status);
        Assert.StartsWith("Confirmed.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("cw-17", await page.Locator("dl.payload").First.InnerTextAsync());
        var asSender = await WorkflowData.TransferAsync(_hub, id);
        Assert.Equal("cw-17", asSender.GetProperty("receivingCaseworkerId").GetString());
        Assert.Equal("released", asSender.GetProperty("status").GetString()); // consent for case transfer was recorded
        Assert.Contains("Nadia Example", await page.Locator("#package").InnerTextAsync()); // released only now
        await LocalTimes.AssertOnAsync(page, zoneName: null);
        await page.ScreenshotAsync("provider-transfer-confirmed");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "case-plan.txt" }).ClickAsync());
        Assert.Equal("case-plan.txt", download.SuggestedFilename);
        Assert.Equal("Case plan: weekly visits, school enrolment.", await File.ReadAllTextAsync((await download.PathAsync())!));

        // Handed over but not yet acknowledged: still work to do, listed apart from the answered ones.
        await page.GotoAsync("/transfers");
        Assert.Contains("Case from Agency A Child Protection International (fictional)", await page.Locator("#to-acknowledge").InnerTextAsync());
        await page.GotoAsync($"/transfers/{id}");

        await page.GetByLabel("Your agency's case code for the child (optional)").FillAsync("D-PORTAL-1");
        var acknowledged = await page.SubmitAsync("Acknowledge: we are now responsible");

        Assert.Equal(200, acknowledged.Status);
        Assert.StartsWith("Acknowledged.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        asSender = await WorkflowData.TransferAsync(_hub, id);
        Assert.Equal("acknowledged", asSender.GetProperty("status").GetString());
        Assert.Equal("D-PORTAL-1", asSender.GetProperty("receivingCaseCode").GetString());
    }

    [Fact]
    public async Task The_focal_point_picks_a_caseworker_agency_D_already_uses_or_types_a_new_one_and_a_refused_choice_is_kept()
    {
        // Agency D's system has already confirmed transfers with cw-07 (twice), cw-12 and cw-full (25: one more warns);
        // agency A's system confirmed a transfer from agency D with agency A's own code, which agency D must never see.
        using (var agencyD = await WorkflowData.ClientAsync(_hub, "agency-d-system", "agency-d-secret"))
        {
            foreach (var (caseworker, times) in new[] { ("cw-07", 2), ("cw-12", 1), ("cw-full", 25) })
            {
                for (var i = 0; i < times; i++) await ConfirmAsync(agencyD, await WorkflowData.RequestTransferAsync(_hub, $"PICK-{caseworker}-{i}"), caseworker);
            }
            using var agencyA = await HubData.ReferrerAsync(_hub);
            await ConfirmAsync(agencyA, await RequestFromAgencyDAsync(agencyD, "D-PICK-1"), "a-only-cw");
        }
        var first = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-PICK-1");
        var second = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-PICK-2");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Receiver);

        await page.GotoAsync($"/transfers/{first}");
        var choices = await page.Locator("#caseworker-choices").InnerTextAsync();
        Assert.Contains("cw-07: 2 open cases", choices);
        Assert.Contains("cw-12: 1 open case", choices);
        Assert.Contains("cw-full: 25 open cases. Caseload warning: with this case, more than 25.", choices);
        Assert.DoesNotContain("a-only-cw", await page.ContentAsync()); // another agency's caseworker codes
        await (await PlainWords.ForAsync(_hub)).AssertOnAsync(page);

        // "Another caseworker" with nothing typed: refused by the transfer service, the choice kept, the summary
        // leading to the box to type in.
        await page.GetByLabel("Another caseworker", new() { Exact = true }).CheckAsync();
        var refused = await page.SubmitAsync("Confirm with this caseworker");
        Assert.Equal("GET", refused.Request.Method);
        Assert.Equal(NoCaseworker, await page.Locator("#caseworker-error").InnerTextAsync());
        Assert.Equal("#caseworkerId", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.True(await page.GetByLabel("Another caseworker", new() { Exact = true }).IsCheckedAsync());
        // A name typed instead of a code: refused too, and what was typed stays for correcting.
        await page.GetByLabel("Id of the other caseworker").FillAsync("Amina Example");
        await page.SubmitAsync("Confirm with this caseworker");
        Assert.Equal(NoCaseworker, await page.Locator("#caseworker-error").InnerTextAsync());
        Assert.Equal("Amina Example", await page.GetByLabel("Id of the other caseworker").InputValueAsync());
        Assert.True(await page.GetByLabel("Another caseworker", new() { Exact = true }).IsCheckedAsync());
        Assert.Equal("capacity-requested", (await WorkflowData.TransferAsync(_hub, first)).GetProperty("status").GetString());
        await page.ScreenshotAsync("provider-transfer-caseworker-refused");

        // Picked from the list: the picked code is sent, not the text still in the box.
        await page.GetByRole(AriaRole.Radio, new() { Name = "cw-07: 2 open cases" }).CheckAsync();
        var confirmed = await page.SubmitAsync("Confirm with this caseworker");
        Assert.Equal(200, confirmed.Status);
        Assert.StartsWith("Confirmed.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal("cw-07", (await WorkflowData.TransferAsync(_hub, first)).GetProperty("receivingCaseworkerId").GetString());

        // The next request counts the new case, and a new caseworker is typed.
        await page.GotoAsync($"/transfers/{second}");
        Assert.Contains("cw-07: 3 open cases", await page.Locator("#caseworker-choices").InnerTextAsync());
        await page.ScreenshotAsync("provider-transfer-caseworker-picker");
        await page.GetByLabel("Another caseworker", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Id of the other caseworker").FillAsync("cw-new-3");
        await page.SubmitAsync("Confirm with this caseworker");
        Assert.StartsWith("Confirmed.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal("cw-new-3", (await WorkflowData.TransferAsync(_hub, second)).GetProperty("receivingCaseworkerId").GetString());
    }

    [Fact]
    public async Task Declining_needs_a_reason_and_the_sender_sees_it()
    {
        var id = await WorkflowData.RequestTransferAsync(_hub, "PORTAL-TRANSFER-2");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Receiver);
        await page.GotoAsync($"/transfers/{id}");

        Assert.Equal("GET", (await page.SubmitAsync("Decline the transfer")).Request.Method);
        Assert.Equal("Choose why your agency cannot take the case.", await page.Locator("#reason-error").InnerTextAsync());

        await page.GetByLabel("Why can you not take it?").SelectOptionAsync("outside-area");
        var declined = await page.SubmitAsync("Decline the transfer");

        Assert.Equal(200, declined.Status);
        Assert.Equal("Declined. The sending agency is told.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        var asSender = await WorkflowData.TransferAsync(_hub, id);
        Assert.Equal("capacity-declined", asSender.GetProperty("status").GetString());
        Assert.Equal("outside-area", asSender.GetProperty("declineReason").GetString());
    }

    [Fact]
    public async Task A_coordinator_cannot_open_transfer_requests()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("coordinator@cluster.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/transfers"))!.Status);
    }

    private static async Task ConfirmAsync(HttpClient receiver, Guid id, string caseworker)
    {
        var response = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "confirm", caseworkerId = caseworker });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Agency D's system asks agency A to take over one of agency D's cases (agency D's own consent).</summary>
    private static async Task<Guid> RequestFromAgencyDAsync(HttpClient agencyD, string caseCode)
    {
        var consent = await agencyD.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode, givenBy = "caregiver", givenOn = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            participateInCaseManagement = true, collectAndStore = true, sharing = new[] { "case-transfer" }, oneOff = false, validUntil = DateTimeOffset.UtcNow.AddDays(365),
        });
        Assert.True(consent.StatusCode == HttpStatusCode.Created, await consent.Content.ReadAsStringAsync());
        var response = await agencyD.PostAsJsonAsync("/api/v1/transfers", new
        {
            caseCode, reason = "child-moved", receivingAgency = "agency-a", areaCode = "demo-district", urgency = "medium",
            capacity = new { ageBand = "5-9", sex = "male", protectionConcerns = Array.Empty<string>(), riskLevel = "medium", languages = new[] { "ar" } },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
    }
}
