using System.Net.Http.Headers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests;

/// <summary>
/// Agency admins are portal people: they sign in at the gateway (GatewaySignIn: the sign-in page, the code + PKCE
/// round trip), as the portal does for them, and their role comes from their account in the gateway's store.
/// </summary>
public static class AgencyAdmins
{
    public static async Task<HttpClient> AdminOfAsync(this EmbeddedHubFactory hub, string agency)
    {
        var admin = await hub.EnsurePortalPersonAsync($"admin-of-{agency}", agency, [Roles.AgencyAdmin]);
        using var browser = hub.Browser();
        var tokens = await hub.SignInAsync(browser, $"{admin}@people.test", PortalPeople.Password);
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return client;
    }
}
