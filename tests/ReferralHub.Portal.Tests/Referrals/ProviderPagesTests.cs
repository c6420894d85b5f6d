using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Referrals;

/// <summary>
/// A provider focal point answers a referral from a phone, JavaScript off: the inbox shows only the minimal summary,
/// accepting releases the need-to-know information (minus what the child withheld), then service started and the
/// Services Provided form. Agency A's system sends the referral through the real API; consent is real.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProviderPagesTests(Browser browser) : IAsyncLifetime
{
    private const string Provider = "provider@agency-b.demo";
    private readonly PortalHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_provider_accepts_starts_and_completes_a_referral_seeing_names_only_after_accepting()
    {
        var id = await SendReferralAsync("PORTAL-NADIA-1", withhold: "caseHistory");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Provider);

        await page.GetByRole(AriaRole.Link, new() { Name = "Referrals to your services" }).First.ClickAsync();
        await page.WaitForURLAsync("**/referrals");
        var waiting = await page.Locator("ul.cards").First.InnerTextAsync();
        Assert.Contains("Specialised MHPSS services", waiting);
        Assert.Contains("Answer due in", waiting);
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        Assert.DoesNotContain("PORTAL-NADIA-1", await page.ContentAsync());
        await page.ScreenshotAsync("provider-inbox");

        await page.GotoAsync($"/referrals/{id}");
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        Assert.Contains("15-17", await page.Locator("dl.payload").First.InnerTextAsync());
        var accepted = await page.SubmitAsync("Accept the referral");

        Assert.Equal(200, accepted.Status);
        var released = await page.Locator("dl.payload").Last.InnerTextAsync();
        Assert.Contains("Nadia", released);
        Assert.Contains("nightmares", released); // the expected outcome mentions them
        Assert.DoesNotContain("hometown", released); // the case history was withheld
        await page.ScreenshotAsync("provider-referral-accepted");

        Assert.Equal(200, (await page.SubmitAsync("Record service started")).Status);
        await page.GetByLabel("Details of the service provided").FillAsync("Six sessions with the psychologist.");
        await page.GetByLabel("Focal point who provided it: name").FillAsync("Sarah Kamal");
        await page.Locator("fieldset").Nth(0).GetByLabel("High").CheckAsync();
        await page.Locator("fieldset").Nth(1).GetByLabel("Medium").CheckAsync();
        var completed = await page.SubmitAsync("Record the service completed");

        Assert.Equal(200, completed.Status);
        Assert.Equal("Completion recorded. Thank you.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        var asReferrer = await ReferrerViewAsync(id);
        Assert.Equal("completed", asReferrer.GetProperty("status").GetString());
        Assert.Equal("medium", asReferrer.GetProperty("service").GetProperty("caregiverSatisfaction").GetString());
    }

    [Fact]
    public async Task Declining_without_a_reason_is_refused_beside_the_field_and_a_reason_declines()
    {
        var id = await SendReferralAsync("PORTAL-DECLINE-1");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Provider);
        await page.GotoAsync($"/referrals/{id}");

        var refused = await page.SubmitAsync("Decline the referral");
        Assert.Equal(400, refused.Status);
        Assert.NotEmpty(await page.Locator("#reason-error").InnerTextAsync());
        Assert.Equal("offered", (await ReferrerViewAsync(id)).GetProperty("status").GetString()); // nothing changed

        await page.GetByLabel("Why can you not take it?").SelectOptionAsync("no-capacity");
        var declined = await page.SubmitAsync("Decline the referral");

        Assert.Equal(200, declined.Status);
        Assert.Equal("Declined. The referring agency is told.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal("no-capacity", (await ReferrerViewAsync(id)).GetProperty("decline").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task After_accepting_the_provider_and_the_referring_caseworker_exchange_notes()
    {
        var id = await SendReferralAsync("PORTAL-NOTES-1");
        using var referrer = await HubData.ReferrerAsync(_hub);
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Provider);
        await page.GotoAsync($"/referrals/{id}");
        Assert.Equal(0, await page.GetByLabel("Your note to the referring caseworker").CountAsync()); // not before accepting
        await page.SubmitAsync("Accept the referral");

        (await referrer.PostAsJsonAsync($"/api/v1/referrals/{id}/notes", new { text = "She prefers afternoon sessions." })).EnsureSuccessStatusCode();
        await page.ReloadAsync();
        Assert.Contains("She prefers afternoon sessions.", await page.Locator("#notes").InnerTextAsync());
        Assert.Contains("Referring caseworker", await page.Locator("#notes").InnerTextAsync());

        Assert.Equal(400, (await page.SubmitAsync("Send the note")).Status); // an empty note is refused beside the box
        Assert.NotEmpty(await page.Locator("#note-error").InnerTextAsync());
        await page.GetByLabel("Your note to the referring caseworker").FillAsync("First session booked for Tuesday.");
        var sent = await page.SubmitAsync("Send the note");

        Assert.Equal(200, sent.Status);
        Assert.Equal("Note sent to the referring caseworker.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("First session booked for Tuesday.", await page.Locator("#notes").InnerTextAsync());
        await page.ScreenshotAsync("provider-referral-notes");
        var asReferrer = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}/notes");
        Assert.Contains(asReferrer.EnumerateArray(), n => n.GetProperty("text").GetString() == "First session booked for Tuesday."
            && n.GetProperty("authorSide").GetString() == "provider");
    }

    [Fact]
    public async Task A_supervisor_cannot_open_the_provider_pages()
    {
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("supervisor@agency-a.demo");

        Assert.Equal((int)HttpStatusCode.Forbidden, (await page.GotoAsync("/referrals"))!.Status);
    }

    private Task<Guid> SendReferralAsync(string caseCode, string? withhold = null) => HubData.SendReferralAsync(_hub, caseCode, withhold);

    private Task<JsonElement> ReferrerViewAsync(Guid id) => HubData.ReferrerViewAsync(_hub, id);
}
