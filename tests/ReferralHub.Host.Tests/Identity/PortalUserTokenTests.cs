using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>The portal calls the APIs as the signed-in person: tokens only the portal's client can get, never for operators.</summary>
public sealed class PortalUserTokenTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    private string PortalSecret => hub.Services.GetRequiredService<PortalClientSecret>().Required;

    [Fact]
    public async Task The_portal_gets_a_short_lived_token_for_a_person_with_their_agency_roles_and_areas()
    {
        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, "user-42", "district", ["pathway-maintainer"], ["demo-district"]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = new JsonWebTokenHandler().ReadJsonWebToken((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        Assert.Equal("portal:user-42", token.Subject);
        Assert.Equal(PortalClient.ClientId, token.GetClaim("azp").Value);
        Assert.Equal("district", token.GetClaim("agency").Value);
        Assert.Equal(["pathway-maintainer"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal(["demo-district"], token.Claims.Where(c => c.Type == "area").Select(c => c.Value));
        Assert.Equal(PortalClient.TokenLifetime, token.ValidTo - token.IssuedAt);

        // The services accept it like any other token, and see the person.
        var api = hub.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.EncodedToken);
        var caller = await api.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("portal:user-42", caller.GetProperty("client").GetString());
        Assert.Equal("district", caller.GetProperty("agency").GetString());
    }

    [Fact]
    public async Task No_portal_token_carries_the_operator_role()
    {
        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, "user-1", "hub", [Roles.Operator], []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_person_without_agency_or_role_gets_no_token()
    {
        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, "user-1", "", [], []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_agency_system_cannot_use_the_portal_grant_to_act_as_someone_else()
    {
        var response = await RequestAsync("agency-a-system", "agency-a-secret", "user-1", "agency-b", [Roles.Provider], []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unauthorized_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_portal_grant_needs_the_portals_secret()
    {
        var response = await RequestAsync(PortalClient.ClientId, "not-the-secret", "user-1", "agency-b", [Roles.Provider], []);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    private Task<HttpResponseMessage> RequestAsync(string clientId, string secret, string user, string agency, string[] roles, string[] areas)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", PortalClient.GrantType),
            new("client_id", clientId),
            new("client_secret", secret),
            new(PortalClient.UserParameter, user),
            new("agency", agency),
        };
        form.AddRange(roles.Select(r => new KeyValuePair<string, string>("role", r)));
        form.AddRange(areas.Select(a => new KeyValuePair<string, string>("area", a)));
        return hub.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }
}
