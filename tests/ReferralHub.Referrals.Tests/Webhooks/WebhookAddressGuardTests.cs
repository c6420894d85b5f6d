using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Referrals.Webhooks;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>
/// A webhook must not turn the hub into a door to its own network (metadata endpoint, databases, admin pages):
/// refused at registration for such an address, and at connection time for a name that resolves to one.
/// </summary>
public sealed class WebhookAddressGuardTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = new();

    public Task InitializeAsync()
    {
        _hub.Settings["Referrals:Webhooks:AllowPrivateNetworks"] = "false"; // as in production
        return _hub.InitializeAsync();
    }

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("https://192.168.1.20:8443/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://127.0.0.1/hook")]
    public async Task Registering_a_private_loopback_or_link_local_address_is_refused_naming_the_url(string url)
    {
        var admin = _hub.ClientFor("agency-ssrf", Roles.AgencyAdmin);

        var response = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.GetRawText());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/v1/referrals/webhooks")).EnumerateArray());
    }

    [Fact]
    public async Task A_public_address_is_accepted()
    {
        var admin = _hub.ClientFor("agency-public", Roles.AgencyAdmin);
        var response = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/hook" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_not_connected_to()
    {
        using var client = new HttpClient(WebhookAddressGuard.CreateHandler(allowPrivateNetworks: false));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://localhost:9/hook", new StringContent("{}")));

        Assert.Contains("refused", error.ToString());
    }

    [Theory]
    [InlineData("8.8.8.8", false)]
    [InlineData("203.0.113.10", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::ffff:10.1.1.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("224.0.0.1", true)]
    public void Address_classification(string address, bool forbidden) =>
        Assert.Equal(forbidden, WebhookAddressGuard.IsForbidden(IPAddress.Parse(address)));
}
