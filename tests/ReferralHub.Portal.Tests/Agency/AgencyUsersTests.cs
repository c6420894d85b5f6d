using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Testing.Hub;
using ZXing;

namespace ReferralHub.Portal.Tests.Agency;

/// <summary>
/// Agency A's admin manages agency A's people from a phone, JavaScript off, through the portal's pages, which read and
/// change the accounts at the gateway (the hub's identity provider, <c>/api/v1/agency/users</c>): invite (the gateway's
/// one-time set-password link shown once after post/redirect/get, as a read-only field and a QR code drawn on the
/// server; no e-mail), disable (the person's gateway session ends: their refresh token is refused), reset (the old
/// password stops working), unlock, and nothing of another agency, even by a forged post. The person's side is the
/// gateway's: its set-password page in a browser, and sign-in at its own page (<see cref="GatewaySignIn"/>).
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

        // Post/redirect/get: the link is on the GET after the redirect, which no browser or proxy may keep.
        Assert.Equal(200, created.Status);
        Assert.Equal("GET", created.Request.Method);
        Assert.Contains("no-store", created.Headers["cache-control"]);
        Assert.DoesNotContain("token", created.Url);
        var field = admin.GetByLabel("Set-password link");
        Assert.True(await field.IsEditableAsync() is false, "the link's field is read-only");
        var link = await field.InputValueAsync();
        Assert.Contains("/identity/set-password?user=", link); // the gateway's own page
        Assert.Contains("shown only now", await admin.Locator(".issued-link").InnerTextAsync());
        // The QR code, drawn on the server, reads back as the very same link.
        Assert.Equal(link, ReadQr(await admin.Locator("svg.qr").EvaluateAsync<string>("e => e.outerHTML")));
        Assert.True(await admin.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "the link overflows a 360 px phone");
        await admin.ScreenshotAsync("agency-invite");

        // Shown once: a reload shows the empty form, not the link.
        await admin.ReloadAsync();
        Assert.Equal(0, await admin.Locator("#set-password-link").CountAsync());
        Assert.Equal("", await admin.GetByLabel("E-mail").InputValueAsync());

        // The list shows the invitation, not the link.
        await admin.GotoAsync("/agency/users");
        var row = await admin.Locator("tr", new() { HasText = "amina@agency-a.demo" }).InnerTextAsync();
        Assert.Contains("Supervisor", row);
        Assert.Contains("no password set yet", row);
        Assert.DoesNotContain("set-password", await admin.ContentAsync());

        await using var personContext = await browser.PhoneAsync(hub.BaseAddress);
        var person = await personContext.NewPageAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => SignInAtGatewayAsync("amina@agency-a.demo", NewPassword)); // no password yet
        await SetPasswordAsync(person, link, NewPassword);
        Assert.Contains("Your password is set.", await person.GetByRole(AriaRole.Status).InnerTextAsync());

        // The person signs in at the gateway; their token carries the agency and the role the admin gave.
        var token = new JsonWebTokenHandler().ReadJsonWebToken((await SignInAtGatewayAsync("amina@agency-a.demo", NewPassword)).AccessToken);
        Assert.Equal("agency-a", token.GetClaim("agency").Value);
        Assert.Equal(["supervisor"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));

        // The link worked once.
        var again = await person.GotoAsync(AtHub(link));
        Assert.Equal(400, again!.Status);
        Assert.Contains("not valid", await person.GetByRole(AriaRole.Alert).InnerTextAsync());
    }

    [Fact]
    public async Task Disabling_ends_the_persons_session_and_refuses_sign_in_until_enabled()
    {
        var email = await PersonWithPasswordAsync("disable");
        var session = await SignInAtGatewayAsync(email, NewPassword);

        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync($"/agency/users/{await IdOfAsync(email)}");
        var disabled = await admin.SubmitAsync("Disable the account");
        Assert.Equal("The account is disabled.", await admin.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("Disabled", await admin.Locator("dl").InnerTextAsync());
        await admin.ScreenshotAsync("agency-user-disabled");
        Assert.Equal(200, disabled.Status);

        // The person's session at the gateway is over (its refresh token is refused) and sign-in is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await GatewaySignIn.RefreshAsync(hub, session.RefreshToken!)).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => SignInAtGatewayAsync(email, NewPassword));

        await admin.SubmitAsync("Enable the account");
        Assert.Equal("The account is enabled.", await admin.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.NotNull((await SignInAtGatewayAsync(email, NewPassword)).AccessToken);
    }

    [Fact]
    public async Task A_locked_account_shows_until_when_in_local_time_and_utc_and_the_admin_unlocks_it()
    {
        var email = await PersonWithPasswordAsync("locked");
        using (var gateway = GatewayBrowser())
            for (var i = 0; i < 5; i++) // the gateway locks an account after five wrong passwords
                await GatewaySignIn.PostSignInAsync(gateway, "/identity/sign-in", email, "not the password " + i);
        DateTimeOffset until;
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
            until = (await users.FindByEmailAsync(email))!.LockoutEnd ?? throw new InvalidOperationException("not locked");
        }
        var iso = until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync("/agency/users");
        var row = admin.Locator("tr", new() { HasText = email });
        Assert.StartsWith("Locked until ", await row.Locator(".tag").InnerTextAsync());
        Assert.Equal(iso, await row.Locator("time.hub-time").GetAttributeAsync("datetime"));
        Assert.Contains("UTC", await row.Locator("time.hub-time").InnerTextAsync());

        await admin.GotoAsync($"/agency/users/{await IdOfAsync(email)}");
        Assert.Equal(iso, await admin.Locator("dl time.hub-time").GetAttributeAsync("datetime"));
        await admin.SubmitAsync("Unlock the account");
        Assert.Equal("The account is unlocked.", await admin.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("Active", await admin.Locator("dl").InnerTextAsync());
        Assert.NotNull((await SignInAtGatewayAsync(email, NewPassword)).AccessToken);
    }

    [Fact]
    public async Task A_reset_stops_the_old_password_and_session_and_gives_a_new_one_time_link()
    {
        var email = await PersonWithPasswordAsync("reset");
        var session = await SignInAtGatewayAsync(email, NewPassword);

        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync($"/agency/users/{await IdOfAsync(email)}");
        var reset = await admin.SubmitAsync("Reset the password");
        Assert.Equal("GET", reset.Request.Method);
        Assert.Contains("no-store", reset.Headers["cache-control"]);
        var link = await admin.Locator("#set-password-link").InputValueAsync();
        Assert.Equal(link, ReadQr(await admin.Locator("svg.qr").EvaluateAsync<string>("e => e.outerHTML")));
        await admin.ReloadAsync();
        Assert.Equal(0, await admin.Locator("#set-password-link").CountAsync());

        Assert.Equal(HttpStatusCode.BadRequest, (await GatewaySignIn.RefreshAsync(hub, session.RefreshToken!)).StatusCode);
        await Assert.ThrowsAsync<InvalidOperationException>(() => SignInAtGatewayAsync(email, NewPassword));

        await using var personContext = await browser.PhoneAsync(hub.BaseAddress);
        var person = await personContext.NewPageAsync();
        await SetPasswordAsync(person, link, "another long pass phrase");
        Assert.NotNull((await SignInAtGatewayAsync(email, "another long pass phrase")).AccessToken);
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
        foreach (var handler in new[] { "Disable", "Reset", "Roles" })
        {
            var forged = await adminContext.APIRequest.PostAsync($"/agency/users/{provider}?handler={handler}", new()
            {
                Form = adminContext.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!),
                MaxRedirects = 0,
            });
            Assert.Equal((int)HttpStatusCode.NotFound, forged.Status);
            Assert.Contains("provider", (await RolesOfAsync("provider@agency-b.demo")).Single());
            Assert.DoesNotContain("set-password", await forged.TextAsync());
        }

        Assert.NotNull((await SignInAtGatewayAsync("provider@agency-b.demo", DemoPeople.Password)).AccessToken); // not disabled, password kept
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
        Assert.Equal((int)HttpStatusCode.Redirect, forged.Status); // back to the form (post/redirect/get), no account
        Assert.Null(await IdOrNullAsync("figures@agency-a.demo"));

        // Four eyes are two people: nobody is both referrer and supervisor.
        var both = await adminContext.APIRequest.PostAsync("/agency/users/invite", new()
        {
            Form = adminContext.APIRequest.CreateFormData().Set("__RequestVerificationToken", token!)
                .Set("displayName", "Both hats").Set("email", "both@agency-a.demo").Append("roles", "referrer").Append("roles", "supervisor"),
        });
        Assert.Equal(200, both.Status); // the redirect followed: the form again, with the refusal
        Assert.Contains("someone else", await both.TextAsync());
        Assert.Null(await IdOrNullAsync("both@agency-a.demo"));

        await using var supervisorContext = await browser.PhoneAsync(hub.BaseAddress);
        var supervisor = await supervisorContext.NewPageAsync();
        await supervisor.SignInAsync("supervisor@agency-a.demo");
        Assert.Equal((int)HttpStatusCode.Forbidden, (await supervisor.GotoAsync("/agency/users/invite"))!.Status);
    }

    [Fact]
    public async Task A_refused_invitation_keeps_every_value_and_links_the_summary_to_each_field()
    {
        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        await admin.GotoAsync("/agency/users/invite");
        await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Kept Name");
        await admin.GetByLabel("E-mail").FillAsync("supervisor@agency-a.demo"); // already has an account
        await admin.GetByLabel("Caseworker (referrer)", new() { Exact = true }).CheckAsync();
        await admin.GetByLabel("Supervisor", new() { Exact = true }).CheckAsync(); // four eyes: refused
        var refused = await admin.SubmitAsync("Create the account");

        // Post/redirect/get: a reload asks for the page, it does not send the form again.
        Assert.Equal("GET", refused.Request.Method);
        Assert.EndsWith("/agency/users/invite#error-summary", admin.Url);
        Assert.Equal("Kept Name", await admin.GetByLabel("Name", new() { Exact = true }).InputValueAsync());
        Assert.Equal("supervisor@agency-a.demo", await admin.GetByLabel("E-mail").InputValueAsync());
        Assert.True(await admin.GetByLabel("Caseworker (referrer)", new() { Exact = true }).IsCheckedAsync());
        Assert.True(await admin.GetByLabel("Supervisor", new() { Exact = true }).IsCheckedAsync());
        Assert.False(await admin.GetByLabel("Provider focal point", new() { Exact = true }).IsCheckedAsync());

        var summary = admin.Locator("#error-summary");
        var toEmail = summary.GetByRole(AriaRole.Link, new() { Name = "This e-mail already has a portal account." });
        Assert.Equal("#email", await toEmail.GetAttributeAsync("href"));
        var toRoles = summary.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("someone else") });
        Assert.Equal("#role-referrer", await toRoles.GetAttributeAsync("href"));
        Assert.Equal(1, await admin.Locator("#role-referrer").CountAsync());
        Assert.Contains("already has a portal account", await admin.Locator("#email-error").InnerTextAsync());
        Assert.Contains("someone else", await admin.Locator("#roles-error").InnerTextAsync());
        await admin.ScreenshotAsync("agency-invite-refused");

        await admin.ReloadAsync();
        Assert.Equal(0, await admin.Locator("#error-summary").CountAsync());
    }

    [Fact]
    public async Task An_admin_changes_a_persons_roles_the_open_session_ends_and_a_refused_change_keeps_the_boxes_as_ticked()
    {
        var email = await PersonWithPasswordAsync("roles"); // a supervisor
        var session = await SignInAtGatewayAsync(email, NewPassword);

        await using var adminContext = await browser.PhoneAsync(hub.BaseAddress);
        var admin = await adminContext.NewPageAsync();
        await admin.SignInAsync(Admin);
        var page = $"/agency/users/{await IdOfAsync(email)}";
        await admin.GotoAsync(page);
        Assert.True(await admin.GetByLabel("Supervisor", new() { Exact = true }).IsCheckedAsync());

        // Refused (four eyes): back by post/redirect/get with the boxes as ticked, nothing changed.
        await admin.GetByLabel("Caseworker (referrer)", new() { Exact = true }).CheckAsync();
        var refused = await admin.SubmitAsync("Save the roles");
        Assert.Equal("GET", refused.Request.Method);
        Assert.True(await admin.GetByLabel("Caseworker (referrer)", new() { Exact = true }).IsCheckedAsync());
        Assert.True(await admin.GetByLabel("Supervisor", new() { Exact = true }).IsCheckedAsync());
        Assert.Equal("#role-referrer", await admin.Locator("#error-summary a").GetAttributeAsync("href"));
        Assert.Contains("someone else", await admin.Locator("#roles-error").InnerTextAsync());
        Assert.Equal(["supervisor"], await RolesOfAsync(email));

        await admin.GetByLabel("Caseworker (referrer)", new() { Exact = true }).UncheckAsync();
        await admin.GetByLabel("Supervisor", new() { Exact = true }).UncheckAsync();
        await admin.GetByLabel("Provider focal point", new() { Exact = true }).CheckAsync();
        await admin.SubmitAsync("Save the roles");
        Assert.Contains("The roles are saved", await admin.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Equal(["provider"], await RolesOfAsync(email));

        // The person's session ends (the refresh token is refused); the next sign-in carries the new role.
        Assert.Equal(HttpStatusCode.BadRequest, (await GatewaySignIn.RefreshAsync(hub, session.RefreshToken!)).StatusCode);
        var token = new JsonWebTokenHandler().ReadJsonWebToken((await SignInAtGatewayAsync(email, NewPassword)).AccessToken);
        Assert.Equal(["provider"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));

        // An admin cannot take away their own admin role.
        await admin.GotoAsync($"/agency/users/{await IdOfAsync(Admin)}");
        await admin.GetByLabel("Agency admin", new() { Exact = true }).UncheckAsync();
        await admin.GetByLabel("Supervisor", new() { Exact = true }).CheckAsync();
        await admin.SubmitAsync("Save the roles");
        Assert.Contains("your own agency admin role", await admin.Locator("#roles-error").InnerTextAsync());
        Assert.Contains("agency-admin", await RolesOfAsync(Admin));
    }

    [Fact]
    public void Every_refusal_the_gateway_words_has_the_portals_words_in_the_persons_language()
    {
        // The pages translate the gateway's sentences they know (UserRefusals); a changed sentence must not slip into
        // the pages in English unnoticed.
        Assert.All(new[]
        {
            AgencyPeople.Messages.Email, AgencyPeople.Messages.EmailTaken, AgencyPeople.Messages.DisplayName,
            AgencyPeople.Messages.RolesAllowed, AgencyPeople.Messages.SelfAdmin, ReferralHub.Hosting.Auth.Roles.FourEyesMessage,
        }, m => Assert.True(ReferralHub.Portal.Pages.Agency.UserRefusals.Knows(m), m));
        Assert.Equal(AgencyPeople.AssignableRoles, ReferralHub.Portal.Pages.Agency.UserRefusals.AssignableRoles);
    }

    private async Task<IReadOnlyList<string>> RolesOfAsync(string email)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"no account {email}");
        return [.. (await users.GetClaimsAsync(user)).Where(c => c.Type == ReferralHub.Hosting.Auth.HubClaims.Role).Select(c => c.Value).Order()];
    }

    /// <summary>Reads a QR code drawn as the portal draws it (one square per dark module) with ZXing, a different library.</summary>
    private static string ReadQr(string svg)
    {
        var size = int.Parse(System.Text.RegularExpressions.Regex.Match(svg, "viewBox=\"0 0 (\\d+) ").Groups[1].Value);
        const int scale = 4;
        var width = size * scale;
        var pixels = Enumerable.Repeat((byte)255, width * width).ToArray();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(svg, "M(\\d+) (\\d+)h1v1h-1z"))
        {
            int x = int.Parse(m.Groups[1].Value), y = int.Parse(m.Groups[2].Value);
            for (var dy = 0; dy < scale; dy++)
                for (var dx = 0; dx < scale; dx++)
                    pixels[(y * scale + dy) * width + x * scale + dx] = 0;
        }
        var reader = new BarcodeReaderGeneric { Options = { PossibleFormats = [BarcodeFormat.QR_CODE], PureBarcode = true } };
        return reader.Decode(new RGBLuminanceSource(pixels, width, width, RGBLuminanceSource.BitmapFormat.Gray8))?.Text
            ?? throw new InvalidOperationException("the QR code does not read");
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
        var link = await admin.Locator("#set-password-link").InputValueAsync();
        await SetPasswordAsync(admin, link, NewPassword);
        return email;
    }

    /// <summary>The gateway's set-password page, in a browser, as the person opens the link.</summary>
    private async Task SetPasswordAsync(IPage page, string link, string password)
    {
        await page.GotoAsync(AtHub(link));
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("The same password again").FillAsync(password);
        Assert.Equal(200, (await page.SubmitAsync("Set password")).Status);
    }

    /// <summary>
    /// The link as this test's browser reaches it: the gateway writes it on its public address (Auth:Issuer), which
    /// in this test is the embedded hub on a free port.
    /// </summary>
    private string AtHub(string link) => new Uri(hub.BaseAddress, new Uri(link).PathAndQuery).ToString();

    /// <summary>Sign-in at the gateway's own page (code + PKCE for the portal's client), as the portal's browser does it.</summary>
    private async Task<GatewaySignIn.Tokens> SignInAtGatewayAsync(string email, string password)
    {
        using var gateway = GatewayBrowser();
        return await hub.SignInAsync(gateway, email, password);
    }

    /// <summary>A cookie-keeping HTTP "browser" on the hub's real port that shows each redirect.</summary>
    private HttpClient GatewayBrowser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }, disposeHandler: true) { BaseAddress = hub.BaseAddress };

    private async Task<string> IdOfAsync(string email) => await IdOrNullAsync(email) ?? throw new InvalidOperationException($"no account {email}");

    private async Task<string?> IdOrNullAsync(string email)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>().FindByEmailAsync(email))?.Id;
    }
}
