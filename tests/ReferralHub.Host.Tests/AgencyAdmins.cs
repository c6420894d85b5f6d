using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests;

/// <summary>
/// Agency admins are portal people: their tokens come from the portal-user grant, as the portal's pages get them, and
/// their role from their account in the account store.
/// </summary>
public static class AgencyAdmins
{
    public static async Task<HttpClient> AdminOfAsync(this EmbeddedHubFactory hub, string agency)
    {
        var admin = await hub.EnsurePortalPersonAsync($"admin-of-{agency}", agency, [Roles.AgencyAdmin]);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = PortalClient.GrantType,
            ["client_id"] = PortalClient.ClientId,
            ["client_secret"] = hub.Services.GetRequiredService<PortalClientSecret>().Required,
            [PortalClient.UserParameter] = admin,
        };
        var response = await hub.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        return client;
    }
}
