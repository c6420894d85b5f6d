using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.AgencyUsers;

/// <summary>
/// An agency admin manages their own agency's people through the gateway's <c>/api/v1/agency/users</c>: invitations
/// with a one-time set-password link on the gateway's own page, roles under the same rules as the portal's pages had
/// (four eyes, operators' roles kept, not one's own admin role), disable, enable and reset ending sessions (the
/// security stamp changes); another agency's admin sees and touches nothing; bad input named by field.
/// </summary>
public sealed class AgencyUserApiTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task An_invitation_makes_an_account_without_password_and_a_one_time_link_on_the_gateways_page()
    {
        using var admin = await hub.AdminOfAsync("agency-a");
        var email = Email("invited");

        var response = await admin.PostAsJsonAsync("/api/v1/agency/users", new { email, displayName = "Invited Person", roles = new[] { "provider", "referrer" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var user = body.GetProperty("user");
        var id = user.GetProperty("id").GetString()!;
        Assert.Equal("invited", user.GetProperty("status").GetString());
        Assert.Equal(["provider", "referrer"], user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var link = new Uri(body.GetProperty("setPasswordLink").GetString()!);
        Assert.Equal("/identity/set-password", link.AbsolutePath);
        Assert.Contains($"user={id}", link.Query);
        Assert.True(body.GetProperty("expiresAt").GetDateTime() > DateTime.UtcNow);
        Assert.Equal($"/api/v1/agency/users/{id}", response.Headers.Location?.OriginalString);

        // The link's token is good for this person's set-password, and the account is in the gateway's store.
        var token = Uri.UnescapeDataString(link.Query.Split('&').Single(p => p.StartsWith("token=", StringComparison.Ordinal))["token=".Length..]);
        await using var scope = hub.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
        var account = Assert.IsType<PersonAccount>(await users.FindByIdAsync(id));
        Assert.Null(account.PasswordHash);
        Assert.True(await users.VerifyUserTokenAsync(account, PersonAccounts.SetPasswordTokenProvider, PersonAccounts.SetPasswordPurpose, token));

        // Listed for the agency (never a password or link), read by id; not for another agency.
        var listed = await admin.GetStringAsync("/api/v1/agency/users?limit=500");
        Assert.Contains(id, listed);
        Assert.DoesNotContain("password", listed, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/agency/users/{id}")).StatusCode);
        using var otherAdmin = await hub.AdminOfAsync("agency-b");
        Assert.DoesNotContain(id, await otherAdmin.GetStringAsync("/api/v1/agency/users?limit=500"));
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.GetAsync($"/api/v1/agency/users/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_list_pages_with_a_cursor_and_holds_only_the_agencys_people()
    {
        for (var i = 0; i < 3; i++) await hub.EnsurePortalPersonAsync($"paged-{i}-of-agency-c", "agency-c", ["provider"]);
        using var admin = await hub.AdminOfAsync("agency-c");

        var first = await admin.GetFromJsonAsync<JsonElement>("/api/v1/agency/users?limit=2");
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var second = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/agency/users?limit=2&cursor={Uri.EscapeDataString(cursor)}");

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(u => u.GetProperty("id").GetString()).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Contains("paged-0-of-agency-c", ids);
        Assert.Contains("paged-2-of-agency-c", ids);
        Assert.Contains("admin-of-agency-c", ids);
        Assert.DoesNotContain("admin-of-agency-a", ids);
    }

    [Fact]
    public async Task Bad_invitations_are_refused_by_field_and_make_no_account()
    {
        using var admin = await hub.AdminOfAsync("agency-a");
        var taken = Email("taken");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = taken, displayName = "Taken", roles = new[] { "provider" } })).StatusCode);

        var empty = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = "", displayName = "", roles = Array.Empty<string>() }));
        var notEmail = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = "not-an-address", displayName = "X", roles = new[] { "provider" } }));
        var again = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = taken, displayName = "Again", roles = new[] { "provider" } }));
        var operatorRole = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = Email("op"), displayName = "Op", roles = new[] { "operator" } }));
        var coordinator = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = Email("co"), displayName = "Co", roles = new[] { "coordinator" } }));
        // Four eyes are two people: nobody both asks (referrer) and authorises (supervisor).
        var both = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/agency/users", new { email = Email("both"), displayName = "Both", roles = new[] { "referrer", "supervisor" } }));

        Assert.Equal(["displayName", "email", "roles"], empty.Keys.Order());
        Assert.Equal(["email"], notEmail.Keys);
        Assert.Contains("exists", Assert.Single(again["email"]));
        Assert.Equal(["roles"], operatorRole.Keys);
        Assert.Equal(["roles"], coordinator.Keys);
        Assert.Contains("supervisor", Assert.Single(both["roles"]));
        var listed = await admin.GetStringAsync("/api/v1/agency/users?limit=500");
        Assert.DoesNotContain("Both", listed);
        Assert.DoesNotContain("\"Op\"", listed);
    }

    [Fact]
    public async Task Roles_change_under_the_portals_rules_and_end_the_persons_session()
    {
        var person = await hub.EnsurePortalPersonAsync("roles-person-of-agency-a", "agency-a", ["provider", "coordinator"]);
        using var admin = await hub.AdminOfAsync("agency-a");
        var stamp = await StampAsync(person);

        var changed = await admin.PutAsJsonAsync($"/api/v1/agency/users/{person}/roles", new { roles = new[] { "referrer" } });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        // The operator-given coordinator role stays; the assignable ones are replaced.
        Assert.Equal(["coordinator", "referrer"], (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.NotEqual(stamp, await StampAsync(person));

        var fourEyes = await ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/agency/users/{person}/roles", new { roles = new[] { "referrer", "supervisor" } }));
        var ownAdmin = await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/agency/users/admin-of-agency-a/roles", new { roles = new[] { "provider" } }));
        var none = await ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/agency/users/{person}/roles", new { roles = Array.Empty<string>() }));
        Assert.Equal(["roles"], fourEyes.Keys);
        Assert.Contains("own", Assert.Single(ownAdmin["roles"]));
        Assert.Equal(["roles"], none.Keys);
        using var otherAdmin = await hub.AdminOfAsync("agency-b");
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PutAsJsonAsync($"/api/v1/agency/users/{person}/roles", new { roles = new[] { "provider" } })).StatusCode);
        Assert.Equal(["coordinator", "referrer"], (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/agency/users/{person}")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Disable_enable_and_reset_change_the_account_and_end_its_session_but_an_admin_cannot_disable_themselves()
    {
        var person = await hub.EnsurePortalPersonAsync("lifecycle-person-of-agency-a", "agency-a", ["provider"]);
        using var admin = await hub.AdminOfAsync("agency-a");
        var stamp = await StampAsync(person);

        var disabled = await admin.PostAsync($"/api/v1/agency/users/{person}/disable", null);
        Assert.Equal("disabled", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.NotEqual(stamp, await StampAsync(person));
        var enabled = await admin.PostAsync($"/api/v1/agency/users/{person}/enable", null);
        Assert.Equal("active", (await enabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var first = await admin.PostAsync($"/api/v1/agency/users/{person}/reset", null);
        var second = await admin.PostAsync($"/api/v1/agency/users/{person}/reset", null);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invited", body.GetProperty("user").GetProperty("status").GetString());
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
            var account = (await users.FindByIdAsync(person))!;
            Assert.Null(account.PasswordHash);
            // A later reset voids the earlier link.
            Assert.False(await users.VerifyUserTokenAsync(account, PersonAccounts.SetPasswordTokenProvider, PersonAccounts.SetPasswordPurpose, TokenOf(await first.Content.ReadFromJsonAsync<JsonElement>())));
            Assert.True(await users.VerifyUserTokenAsync(account, PersonAccounts.SetPasswordTokenProvider, PersonAccounts.SetPasswordPurpose, TokenOf(body)));
        }

        var self = await admin.PostAsync("/api/v1/agency/users/admin-of-agency-a/disable", null);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Equal("application/problem+json", self.Content.Headers.ContentType?.MediaType);
        using var otherAdmin = await hub.AdminOfAsync("agency-b");
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PostAsync($"/api/v1/agency/users/{person}/disable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherAdmin.PostAsync($"/api/v1/agency/users/{person}/reset", null)).StatusCode);
        Assert.Equal("invited", (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/agency/users/{person}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Only_agency_admins_may_manage_people()
    {
        using var system = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        using var anonymous = hub.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await system.GetAsync("/api/v1/agency/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostAsJsonAsync("/api/v1/agency/users", new { email = Email("sys"), displayName = "X", roles = new[] { "referrer" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/agency/users")).StatusCode);
    }

    private static string Email(string who) => $"{who}-{Guid.NewGuid():N}@people.test";

    private static string TokenOf(JsonElement link)
    {
        var query = new Uri(link.GetProperty("setPasswordLink").GetString()!).Query.TrimStart('?');
        return Uri.UnescapeDataString(query.Split('&').Single(p => p.StartsWith("token=", StringComparison.Ordinal))["token=".Length..]);
    }

    private async Task<string> StampAsync(string id)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
        return (await users.GetSecurityStampAsync((await users.FindByIdAsync(id))!))!;
    }

    private static async Task<Dictionary<string, string[]>> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
