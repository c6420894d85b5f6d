using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.HubApi;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.HubApi;

/// <summary>The portal, over real HTTP, gets a token for a signed-in person and the APIs see that person.</summary>
public sealed class PortalUserTokensTests(PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task A_signed_in_providers_token_opens_the_api_as_that_provider()
    {
        await hub.EnsurePortalPersonAsync("person-7", "agency-b", [Roles.Provider]);
        var person = new ClaimsPrincipal(new ClaimsIdentity(
            [new(HubClaims.Subject, "person-7"), new(HubClaims.Agency, "agency-b"), new(HubClaims.Role, Roles.Provider)],
            "test", HubClaims.Subject, HubClaims.Role));
        var tokens = hub.Services.GetRequiredService<PortalUserTokens>();

        var token = await tokens.TokenForAsync(person, CancellationToken.None);
        var again = await tokens.TokenForAsync(person, CancellationToken.None);

        Assert.Same(token, again); // cached: a page costs no token round trip
        using var api = new HttpClient { BaseAddress = hub.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var caller = await api.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("portal:person-7", caller.GetProperty("client").GetString());
        Assert.Equal("agency-b", caller.GetProperty("agency").GetString());
        Assert.Equal(["provider"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }
}
