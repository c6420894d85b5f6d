using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
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
        Assert.Contains("Demo Camp", waiting); // the area's name, read from the directory's paged area list
        Assert.Contains("age 15 to 17 years · sex Female", waiting);
        // High priority stands out from the plain tags (filled in red), not only in words.
        var high = page.Locator("ul.cards").First.Locator(".tag", new() { HasText = "High priority" }).First;
        Assert.Equal("rgb(164, 0, 15)", await high.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        Assert.DoesNotContain("PORTAL-NADIA-1", await page.ContentAsync());
        await page.ScreenshotAsync("provider-inbox");

        await page.GotoAsync($"/referrals/{id}");
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        var summary = await page.Locator("dl.payload").First.InnerTextAsync();
        Assert.Contains("15 to 17 years", summary); // the age band and sex in words, as on every page
        Assert.Contains("Female", summary);
        var accepted = await page.SubmitAsync("Accept the referral");

        Assert.Equal(200, accepted.Status);
        var released = await page.Locator("dl.payload").Last.InnerTextAsync();
        Assert.Contains("Nadia", released);
        Assert.Contains("nightmares", released); // the expected outcome mentions them
        Assert.DoesNotContain("hometown", released); // the case history was withheld
        // Released codes (sex, languages, the channel, the referral type) are shown in words too.
        await (await PlainWords.ForAsync(_hub)).AssertOnAsync(page);
        Assert.Contains("Digital case management system", released);
        Assert.Contains("Arabic", released);
        // ...and the provider is told what was kept back, by name only, and asked not to seek it.
        var keptBack = await page.Locator("#kept-back").InnerTextAsync();
        Assert.Contains("Case history", keptBack);
        Assert.Contains("do not ask the child", keptBack);
        Assert.DoesNotContain("hometown", keptBack);
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
    public async Task A_refused_decline_keeps_what_was_typed_links_the_summary_to_the_field_and_a_reload_sends_nothing()
    {
        var id = await SendReferralAsync("PORTAL-DECLINE-1");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Provider);
        await page.GotoAsync($"/referrals/{id}");

        // No reason chosen: refused; what was typed stays, the summary at the top links to the reason.
        await page.GetByLabel("Details (required for “Other”)").FillAsync("Our psychologist is away until March.");
        var refused = await page.SubmitAsync("Decline the referral");
        Assert.Equal("GET", refused.Request.Method); // post/redirect/get: the page shown after a refusal is a GET
        Assert.DoesNotContain("handler=", page.Url);
        Assert.Equal("Our psychologist is away until March.", await page.Locator("#details").InputValueAsync());
        var summary = page.Locator("#error-summary");
        Assert.Equal("#reason", await summary.GetByRole(AriaRole.Link).First.GetAttributeAsync("href"));
        Assert.Equal("Choose why you cannot take this referral.", await summary.GetByRole(AriaRole.Link).First.InnerTextAsync());
        Assert.Equal("Choose why you cannot take this referral.", await page.Locator("#reason-error").InnerTextAsync());
        await page.ScreenshotAsync("provider-decline-refused");

        // A reload shows the page again and sends nothing.
        var reloaded = await page.ReloadAsync();
        Assert.Equal("GET", reloaded!.Request.Method);
        Assert.Equal(0, await page.Locator("#error-summary").CountAsync());
        Assert.Equal("offered", (await ReferrerViewAsync(id)).GetProperty("status").GetString()); // nothing changed

        // "Other" without details: "Other" stays chosen and the message beside the details says what is missing.
        await page.GetByLabel("Why can you not take it?").SelectOptionAsync("other");
        await page.SubmitAsync("Decline the referral");
        Assert.Equal("other", await page.Locator("#reason").InputValueAsync());
        Assert.Equal("#details", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.Contains("say in a few words why", await page.Locator("#details-error").InnerTextAsync());
        Assert.Equal("offered", (await ReferrerViewAsync(id)).GetProperty("status").GetString());

        await page.GetByLabel("Details (required for “Other”)").FillAsync("Our psychologist is away until March.");
        var declined = await page.SubmitAsync("Decline the referral");

        Assert.Equal(200, declined.Status);
        Assert.Equal("Declined. The referring agency is told.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal("other", (await ReferrerViewAsync(id)).GetProperty("decline").GetProperty("reason").GetString());
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

        await page.SubmitAsync("Send the note"); // an empty note is refused beside the box
        Assert.Equal("Write the note before sending it.", await page.Locator("#note-error").InnerTextAsync());
        await page.GetByLabel("Your note to the referring caseworker").FillAsync("First session booked for Tuesday.");
        var sent = await page.SubmitAsync("Send the note");

        Assert.Equal(200, sent.Status);
        Assert.Equal("Note sent to the referring caseworker.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("First session booked for Tuesday.", await page.Locator("#notes").InnerTextAsync());
        await LocalTimes.AssertOnAsync(page, zoneName: null); // each note's time
        await page.ScreenshotAsync("provider-referral-notes");
        var asReferrer = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}/notes");
        Assert.Contains(asReferrer.GetProperty("items").EnumerateArray(), n => n.GetProperty("text").GetString() == "First session booked for Tuesday."
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

    [Fact]
    public async Task Accepted_referrals_show_initials_only_where_the_release_gives_the_name_and_their_dates_while_offered_and_declined_show_nothing_personal()
    {
        var named = await SendReferralAsync("PORTAL-TELL-1");
        var nameWithheld = await SendReferralAsync("PORTAL-TELL-2", withhold: "child.name");
        var declined = await SendReferralAsync("PORTAL-TELL-3");
        var offered = await SendReferralAsync("PORTAL-TELL-4");
        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync(Provider);
        foreach (var id in new[] { named, nameWithheld })
        {
            await page.GotoAsync($"/referrals/{id}");
            await page.SubmitAsync("Accept the referral");
        }
        await page.GotoAsync($"/referrals/{named}");
        await page.SubmitAsync("Record service started");
        await page.GotoAsync($"/referrals/{declined}");
        await page.GetByLabel("Why can you not take it?").SelectOptionAsync("no-capacity");
        await page.SubmitAsync("Decline the referral");

        await page.GotoAsync("/referrals");
        var active = page.Locator("ul.cards").Nth(1);
        var withInitials = active.Locator("li", new() { Has = page.Locator($"a[href='/referrals/{named}']") });
        var line = await withInitials.InnerTextAsync();
        Assert.Contains("Child N. S.", line);
        Assert.Contains("Accepted ", line);
        Assert.Contains("Service started ", line);
        Assert.DoesNotContain("Nadia", await page.ContentAsync()); // initials, never the name
        // The child's name was withheld from this service: no initials, the dates still tell it apart.
        var withoutInitials = await active.Locator("li", new() { Has = page.Locator($"a[href='/referrals/{nameWithheld}']") }).InnerTextAsync();
        Assert.DoesNotContain("Child ", withoutInitials);
        Assert.Contains("Accepted ", withoutInitials);
        // Offered and declined referrals carry nothing of the release: the initials appear once on the page.
        Assert.Equal(1, Regex.Count(await page.Locator("main").InnerTextAsync(), @"N\. S\."));
        Assert.DoesNotContain("N. S.", await page.Locator("li", new() { Has = page.Locator($"a[href='/referrals/{offered}']") }).InnerTextAsync());
        Assert.DoesNotContain("N. S.", await page.Locator("li", new() { Has = page.Locator($"a[href='/referrals/{declined}']") }).InnerTextAsync());
        await (await PlainWords.ForAsync(_hub)).AssertOnAsync(page);
        await page.ScreenshotAsync("provider-accepted-list");
    }

    private Task<Guid> SendReferralAsync(string caseCode, string? withhold = null) => HubData.SendReferralAsync(_hub, caseCode, withhold);

    private Task<JsonElement> ReferrerViewAsync(Guid id) => HubData.ReferrerViewAsync(_hub, id);
}
