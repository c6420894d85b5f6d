using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// The portal gets tokens for people only through their own sign-in at the gateway (the code + PKCE round trip,
/// GatewaySignInTests). The old portal-user grant, in which the portal named the person, is gone: with the portal's
/// secret and a real person's id it gets nothing, and the secret alone gets no token of any kind.
/// </summary>
public sealed class PortalUserTokenTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    private string PortalSecret => hub.Services.GetRequiredService<PortalClientSecret>().Required;

    [Fact]
    public async Task The_old_portal_user_grant_is_refused_even_with_the_portals_secret_and_a_real_person()
    {
        var person = await hub.EnsurePortalPersonAsync("old-grant-person", "agency-a", [Roles.AgencyAdmin]);

        using var response = await PostAsync(new()
        {
            ["grant_type"] = "urn:referralhub:grant-type:portal-user",
            ["client_id"] = PortalClient.ClientId,
            ["client_secret"] = PortalSecret,
            ["portal_user"] = person,
            ["agency"] = "agency-a",
            ["role"] = Roles.AgencyAdmin,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task The_portals_secret_alone_gets_no_token_of_its_own()
    {
        using var response = await PostAsync(new()
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = PortalClient.ClientId,
            ["client_secret"] = PortalSecret,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    private Task<HttpResponseMessage> PostAsync(Dictionary<string, string> form) =>
        hub.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
}
