using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using ReferralHub.Testing.Hub;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// Four eyes are two people: no API client holds both the requesting role (referrer) and the authorising role
/// (supervisor) of its agency — not the demo clients, not a configured client, not one stored before the rule.
/// </summary>
public sealed class FourEyesIdentityTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Agency_As_referring_system_and_its_supervisor_are_two_identities()
    {
        var system = new JsonWebTokenHandler().ReadJsonWebToken(await hub.TokenAsync("agency-a-system", "agency-a-secret"));
        var supervisor = new JsonWebTokenHandler().ReadJsonWebToken(await hub.TokenAsync("agency-a-supervisor", "agency-a-supervisor-secret"));

        Assert.Equal(["referrer"], system.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal(["supervisor"], supervisor.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal("agency-a", supervisor.GetClaim("agency").Value);
    }

    [Fact]
    public async Task A_client_stored_with_both_roles_before_the_rule_gets_no_token()
    {
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = "agency-a-legacy",
                ClientSecret = "legacy-secret-123",
                ClientType = ClientTypes.Confidential,
                DisplayName = "Agency A legacy system",
                Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
            };
            descriptor.Properties["agency"] = JsonSerializer.SerializeToElement("agency-a");
            descriptor.Properties["roles"] = JsonSerializer.SerializeToElement(new[] { "referrer", "supervisor" });
            descriptor.Properties["areas"] = JsonSerializer.SerializeToElement(Array.Empty<string>());
            await applications.CreateAsync(descriptor);
        }

        var response = await hub.RequestTokenAsync("agency-a-legacy", "legacy-secret-123");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("supervisor", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_configured_client_holding_both_roles_stops_the_hub_from_starting()
    {
        await using var misconfigured = new EmbeddedHubFactory
        {
            Settings =
            {
                ["Auth:Clients:0:ClientId"] = "agency-x-both",
                ["Auth:Clients:0:ClientSecret"] = "both-secret-123",
                ["Auth:Clients:0:Agency"] = "agency-x",
                ["Auth:Clients:0:Roles:0"] = "referrer",
                ["Auth:Clients:0:Roles:1"] = "supervisor",
            },
        };

        var failure = await Record.ExceptionAsync(misconfigured.InitializeAsync);

        Assert.NotNull(failure);
        Assert.Contains("agency-x-both", failure.ToString());
    }
}
