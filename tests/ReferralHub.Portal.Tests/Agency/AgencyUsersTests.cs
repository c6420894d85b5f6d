using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Tests.Agency;

/// <summary>
/// Agency A's admin manages agency A's portal accounts from a phone, JavaScript off: invite (a one-time link shown
/// once, no e-mail), disable (an open session ends at its next request), reset (the old password stops working), and
/// nothing of another agency, even by a forged post.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AgencyUsersTests(Browser browser, PortalHub hub) : IClassFixture<PortalHub>
{
    private const string Admin = "admin@agency-a.demo";
    private const string NewPassword = "a long pass phrase for camp 3";

    [Fact]
    public async Task An_admin_invites_a_person_who_sets_a_password_with_the_link_once_and_signs_in_with_their_role()
    {
        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);

        await admin.GotoAsync("/agency/users");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Invite a person" }).ClickAsync();
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Amina Yusuf");
        await admin.GetByLabel("E-mail").FillAsync("amina@agency-a.demo");
        await admin.GetByLabel("Supervisor", new() { Exact = true }).CheckAsync();
        var created = await admin.SubmitAsync("Create the account");

        Assert.Equal(200, created.Status);
        Assert.Contains("no-store", created.Headers["cache-control"]);
        var link = await admin.Locator("#set-password-link").InnerTextAsync();
        Assert.Contains("/account/set-password?user=", link);
        Assert.True(await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "the link overflows a 360 px phone");
        await admin.ScreenshotAsync("agency-invite");

        // The list shows the invitation, not the link.
        await admin.GotoAsync("/agency/users");
        var row = await admin.Locator("tr", new() { HasText = "amina@agency-a.demo" }).InnerTextAsync();
        Assert.Contains("Supervisor", row);
        Assert.Contains("no password set yet", row);
        Assert.DoesNotContain("set-password", await admin.ContentAsync());

        await using var personContext = await browser.PhoneAsync(hub.BaseAddress);
        var person = await personContext.NewPageAsync();
        Assert.Equal(400, (await person.SignInAsync("amina@agency-a.demo", NewPassword))!.Status); // no password yet
        await SetPasswordAsync(person, link, NewPassword);
        Assert.Equal("Your password is set.", await person.GetByRole(AriaRole.Status).InnerTextAsync());

        await person.SignInAsync("amina@agency-a.demo", NewPassword);
        Assert.Equal("Signed in as Amina Yusuf", await person.Locator("h1").InnerTextAsync());
        var who = await person.Locator("dl").InnerTextAsync();
        Assert.Contains("Agency A Child Protection International (fictional)", who);
        Assert.Contains("Supervisor", who);

        // The link worked once.
        var again = await person.GotoAsync(link);
        Assert.Equal(400, again!.Status);
        Assert.Contains("not valid any more", await person.GetByRole(AriaRole.Alert).InnerTextAsync());
    }

    [Fact]
    public async Task Disabling_ends_an_open_session_at_its_next_request_and_refuses_sign_in_until_enabled()
    {
        var email = await PersonWithPasswordAsync("disable");
        await using var personContext = await browser.PhoneAsync(hub.BaseAddress);
        var person = await personContext.NewPageAsync();
        await person.SignInAsync(email, NewPassword);
        Assert.Equal("Signed in as Person disable", await person.Locator("h1").InnerTextAsync());

        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync($"/agency/users/{await IdOfAsync(email)}");
        var disabled = await admin.SubmitAsync("Disable the account");
        Assert.Equal("The account is disabled.", await admin.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("Disabled", await admin.Locator("dl").InnerTextAsync());
        await admin.ScreenshotAsync("agency-user-disabled");
        Assert.Equal(200, disabled.Status);

        // The person's very next request finds the session gone.
        await person.GotoAsync("/");
        Assert.Contains("/account/sign-in", person.Url);
        Assert.Equal(400, (await person.SignInAsync(email, NewPassword))!.Status);
        // The same words as a wrong password (accounts cannot be probed), which mention a disabled account.
        Assert.Contains("locked or disabled", await person.GetByRole(AriaRole.Alert).InnerTextAsync());

        await admin.SubmitAsync("Enable the account");
        Assert.Equal("The account is enabled.", await admin.GetByRole(AriaRole.Status).InnerTextAsync());
        await person.SignInAsync(email, NewPassword);
        Assert.Equal("Signed in as Person disable", await person.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task A_reset_stops_the_old_password_and_session_and_gives_a_new_one_time_link()
    {
        var email = await PersonWithPasswordAsync("reset");
        await using var personContext = await browser.PhoneAsync(hub.BaseAddress);
        var person = await personContext.NewPageAsync();
        await person.SignInAsync(email, NewPassword);

        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync($"/agency/users/{await IdOfAsync(email)}");
        var reset = await admin.SubmitAsync("Reset the password");
        Assert.Contains("no-store", reset.Headers["cache-control"]);
        var link = await admin.Locator("#set-password-link").InnerTextAsync();

        await person.GotoAsync("/");
        Assert.Contains("/account/sign-in", person.Url);
        Assert.Equal(400, (await person.SignInAsync(email, NewPassword))!.Status);

        await SetPasswordAsync(person, link, "another long pass phrase");
        await person.SignInAsync(email, "another long pass phrase");
        Assert.Equal("Signed in as Person reset", await person.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task A_forged_post_for_another_agencys_person_is_not_found_and_changes_nothing()
    {
        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        var provider = await IdOfAsync("provider@agency-b.demo");

        // Typing the address of agency B's provider: not found.
        Assert.Equal((int)HttpStatusCode.NotFound, (await admin.GotoAsync($"/agency/users/{provider}"))!.Status);

        // A well-formed post (the admin's own antiforgery token) naming agency B's provider: not found either.
        await admin.GotoAsync($"/agency/users/{await IdOfAsync("supervisor@agency-a.demo")}");
        var token = await admin.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        foreach (var handler in new[] { "Disable", "Reset" })
        {
            var forged = await adminContext.APIRequest.PostAsync($"/agency/users/{provider}?handler={handler}", new()
            {
                Form = adminContext.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!),
                MaxRedirects = 0,
            });
            Assert.Equal((int)HttpStatusCode.NotFound, forged.Status);
            Assert.DoesNotContain("set-password", await forged.TextAsync());
        }

        await using var providerContext = await browser.PhoneAsync(hub.BaseAddress);
        var providerPage = await providerContext.NewPageAsync();
        await providerPage.SignInAsync("provider@agency-b.demo");
        Assert.Equal("Signed in as Provider focal point (agency B)", await providerPage.Locator("h1").InnerTextAsync());
    }

    [Fact]
    public async Task Roles_beyond_the_agency_are_refused_and_a_supervisor_cannot_invite()
    {
        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync("/agency/users/invite");
        Assert.Equal(0, await admin.GetByLabel("Coordinator", new() { Exact = true }).CountAsync());
        var token = await admin.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");

        var forged = await adminContext.APIRequest.PostAsync("/agency/users/invite", new()
        {
            Form = adminContext.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!)
                .Set("displayName", "Figures").Set("email", "figures@agency-a.demo").Set("roles", "coordinator"),
            MaxRedirects = 0,
        });
        Assert.Equal(400, forged.Status);
        Assert.Null(await IdOrNullAsync("figures@agency-a.demo"));

        // Four eyes are two people: nobody is both referrer and supervisor.
        var both = await adminContext.APIRequest.PostAsync("/agency/users/invite", new()
        {
            Form = adminContext.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!)
                .Set("displayName", "Both hats").Set("email", "both@agency-a.demo").Append("roles", "referrer").Append("roles", "supervisor"),
            MaxRedirects = 0,
        });
        Assert.Equal(400, both.Status);
        Assert.Contains("someone else", await both.TextAsync());
        Assert.Null(await IdOrNullAsync("both@agency-a.demo"));

        await using var supervisorContext = await browser.PhoneAsync(hub.BaseAddress);
        var supervisor = await supervisorContext.NewPageAsync();
        await supervisor.SignInAsync("supervisor@agency-a.demo");
        Assert.Equal((int)HttpStatusCode.Forbidden, (await supervisor.GotoAsync("/agency/users/invite"))!.Status);
    }

    private async Task<string> PersonWithPasswordAsync(string name)
    {
        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync("/agency/users/invite");
        var email = $"{name}@agency-a.demo";
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync($"Person {name}");
        await admin.GetByLabel("E-mail").FillAsync(email);
        await admin.GetByLabel("Supervisor", new() { Exact = true }).CheckAsync();
        await admin.SubmitAsync("Create the account");
        var link = await admin.Locator("#set-password-link").InnerTextAsync();
        await SetPasswordAsync(admin, link, NewPassword);
        return email;
    }

    private static async Task SetPasswordAsync(IPage page, string link, string password)
    {
        await page.GotoAsync(link);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("New password again").FillAsync(password);
        Assert.Equal(200, (await page.SubmitAsync("Set my password")).Status);
    }

    private async Task<string> IdOfAsync(string email) => await IdOrNullAsync(email) ?? throw new InvalidOperationException($"no account {email}");

    private async Task<string?> IdOrNullAsync(string email)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email))?.Id;
    }
}
