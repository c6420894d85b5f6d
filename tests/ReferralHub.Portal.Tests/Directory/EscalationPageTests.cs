using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Directory;

/// <summary>
/// The child protection focal point sees, on a phone with JavaScript off, the transfers of their area whose receiving
/// agency has not answered in time — which agencies, the non-personal summary, never the case code.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EscalationPageTests(Browser browser) : IAsyncLifetime
{
    private readonly PortalHub _hub = new();

    public Task InitializeAsync()
    {
        // Its own hub whose transfer sweep escalates at once, instead of after three days.
        _hub.Settings["Transfers:CapacityAnswerWithin"] = "00:00:00";
        _hub.Settings["Transfers:SweepInterval"] = "00:00:00.500";
        return _hub.InitializeAsync();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_focal_point_sees_an_unanswered_transfer_of_the_district_without_its_case_code()
    {
        var caseCode = $"ESC-{Guid.NewGuid():N}"[..16];
        var id = await WorkflowData.RequestTransferAsync(_hub, caseCode);
        using var sender = await HubData.ReferrerAsync(_hub);
        for (var i = 0; i < 300; i++)
        {
            var transfer = await sender.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}");
            if (transfer.GetProperty("escalatedAt").ValueKind != JsonValueKind.Null) break;
            await Task.Delay(200);
        }

        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("focalpoint@district.demo");
        await page.GotoAsync("/directory");
        await page.GetByRole(AriaRole.Link, new() { Name = "Transfers waiting too long for an answer" }).ClickAsync();
        await page.WaitForURLAsync("**/directory/escalations");

        var row = page.Locator("#escalated-transfers tbody tr").Filter(new() { HasText = "Demo District Social Welfare Office (fictional)" });
        Assert.Equal(1, await row.CountAsync());
        var text = await row.InnerTextAsync();
        Assert.Contains("Agency A Child Protection International (fictional)", text); // names, not codes
        Assert.Contains("Demo District", text);
        Assert.DoesNotContain("agency-a", text);
        Assert.Contains("age 10 to 14 years", text); // bands and sexes in words too
        Assert.DoesNotContain(caseCode, await page.ContentAsync());
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        await page.ScreenshotAsync("directory-escalations");
    }

    [Fact]
    public async Task A_provider_cannot_open_the_escalations()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("provider@agency-b.demo");

        var response = await page.GotoAsync("/directory/escalations");

        Assert.Equal(403, response!.Status);
    }
}
