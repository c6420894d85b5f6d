using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.AgencyClients;

/// <summary>
/// An agency admin manages their own agency's API clients through <c>/api/v1/agency/clients</c>: secrets shown once and
/// working at once, a rotated secret refused at once, another agency's admin refused, bad input named by field.
/// Admins are portal people (<see cref="AgencyAdmins"/>).
/// </summary>
public sealed class AgencyClientApiTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task An_agency_admin_creates_a_client_whose_secret_is_shown_once_and_gets_a_token_of_that_agency()
    {
        using var admin = await AdminAsync("agency-a");

        var created = await admin.PostAsJsonAsync("/api/v1/agency/clients", new { clientId = "agency-a-cpims", displayName = "Agency A CPIMS+", roles = new[] { "provider", "referrer" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("clientSecret").GetString()!;
        Assert.True(secret.Length >= 40, "a long random secret");
        var token = new JsonWebTokenHandler().ReadJsonWebToken(await hub.TokenAsync("agency-a-cpims", secret));
        Assert.Equal("agency-a", token.GetClaim("agency").Value);
        Assert.Equal(["provider", "referrer"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());

        // Listed for its agency, never with a secret; not listed for another agency.
        var listed = await admin.GetStringAsync("/api/v1/agency/clients");
        Assert.Contains("agency-a-cpims", listed);
        Assert.Contains("agency-a-system", listed);
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain("agency-b-system", listed);
        Assert.DoesNotContain("secret\"", listed, StringComparison.OrdinalIgnoreCase);
        using var otherAdmin = await AdminAsync("agency-b");
        Assert.DoesNotContain("agency-a-cpims", await otherAdmin.GetStringAsync("/api/v1/agency/clients"));
    }

    [Fact]
    public async Task Rotating_a_secret_refuses_the_old_one_at_once_and_accepts_the_new_one()
    {
        using var admin = await AdminAsync("agency-a");
        var oldSecret = await CreateAsync(admin, "agency-a-rotate", "provider");
        Assert.Equal(HttpStatusCode.OK, (await hub.RequestTokenAsync("agency-a-rotate", oldSecret)).StatusCode);

        var rotated = await admin.PostAsync("/api/v1/agency/clients/agency-a-rotate/secret", null);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        var withOld = await hub.RequestTokenAsync("agency-a-rotate", oldSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, withOld.StatusCode);
        Assert.Equal("invalid_client", (await withOld.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await hub.RequestTokenAsync("agency-a-rotate", newSecret)).StatusCode);
    }

    [Fact]
    public async Task Another_agencys_admin_can_neither_see_nor_rotate_the_client_and_nothing_changes()
    {
        using var admin = await AdminAsync("agency-a");
        var secret = await CreateAsync(admin, "agency-a-private", "referrer");
        using var otherAdmin = await AdminAsync("agency-b");

        var read = await otherAdmin.GetAsync("/api/v1/agency/clients/agency-a-private");
        var rotate = await otherAdmin.PostAsync("/api/v1/agency/clients/agency-a-private/secret", null);
        var demo = await otherAdmin.PostAsync("/api/v1/agency/clients/agency-a-system/secret", null);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, rotate.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, demo.StatusCode);
        Assert.Equal("application/problem+json", rotate.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await hub.RequestTokenAsync("agency-a-private", secret)).StatusCode);
    }

    [Fact]
    public async Task A_client_cannot_be_created_in_another_agencys_name_or_with_roles_beyond_the_agency()
    {
        using var admin = await AdminAsync("agency-a");

        var foreignId = await ProblemAsync(admin, new { clientId = "agency-b-fake", displayName = "Fake", roles = new[] { "provider" } });
        var operatorRole = await ProblemAsync(admin, new { clientId = "agency-a-ops", displayName = "Ops", roles = new[] { "operator" } });
        var coordinatorRole = await ProblemAsync(admin, new { clientId = "agency-a-coord", displayName = "Figures", roles = new[] { "coordinator" } });
        var adminRole = await ProblemAsync(admin, new { clientId = "agency-a-admin2", displayName = "Admin", roles = new[] { "agency-admin" } });
        var empty = await ProblemAsync(admin, new { clientId = "", displayName = "", roles = Array.Empty<string>() });
        // Four eyes are two people: no client both asks (referrer) and authorises (supervisor).
        var asksAndAuthorises = await ProblemAsync(admin, new { clientId = "agency-a-both", displayName = "Both", roles = new[] { "referrer", "supervisor" } });

        Assert.Contains("clientId", foreignId.Keys);
        Assert.Contains("roles", operatorRole.Keys);
        Assert.Contains("roles", coordinatorRole.Keys);
        Assert.Contains("roles", adminRole.Keys);
        Assert.Equal(["clientId", "displayName", "roles"], empty.Keys.Order());
        Assert.Contains("supervisor", Assert.Single(asksAndAuthorises["roles"]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.RequestTokenAsync("agency-a-ops", "anything-at-all")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.RequestTokenAsync("agency-a-both", "anything-at-all")).StatusCode);
    }

    [Fact]
    public async Task A_taken_client_id_is_a_conflict_and_a_configured_clients_secret_is_not_changed_through_the_api()
    {
        using var admin = await AdminAsync("agency-a");
        await CreateAsync(admin, "agency-a-twice", "referrer");

        var again = await admin.PostAsJsonAsync("/api/v1/agency/clients", new { clientId = "agency-a-twice", displayName = "Again", roles = new[] { "referrer" } });
        var configured = await admin.PostAsync("/api/v1/agency/clients/agency-a-system/secret", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, configured.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hub.RequestTokenAsync("agency-a-system", "agency-a-secret")).StatusCode);
    }

    [Fact]
    public async Task Only_agency_admins_may_manage_clients()
    {
        using var system = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        using var anonymous = hub.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await system.GetAsync("/api/v1/agency/clients")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await system.PostAsJsonAsync("/api/v1/agency/clients", new { clientId = "agency-a-x", displayName = "X", roles = new[] { "referrer" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/agency/clients")).StatusCode);
    }

    private async Task<string> CreateAsync(HttpClient admin, string clientId, string role)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/agency/clients", new { clientId, displayName = clientId, roles = new[] { role } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
    }

    private static async Task<Dictionary<string, string[]>> ProblemAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/agency/clients", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    private Task<HttpClient> AdminAsync(string agency) => hub.AdminOfAsync(agency);
}
