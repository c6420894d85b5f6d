using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>An agency has a bounded number of active webhooks (Referrals:Webhooks:MaxPerAgency); other agencies are not affected.</summary>
public sealed class WebhookLimitTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = new();

    public Task InitializeAsync()
    {
        _hub.Settings["Referrals:Webhooks:MaxPerAgency"] = "2";
        return _hub.InitializeAsync();
    }

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task Registering_beyond_the_limit_is_a_409_naming_the_limit_and_deleting_one_makes_room()
    {
        var admin = _hub.ClientFor("agency-many", Roles.AgencyAdmin);
        var first = await (await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/one" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/two" })).StatusCode);

        var refused = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/three" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
        Assert.Equal("Referrals:Webhooks:MaxPerAgency", problem.GetProperty("setting").GetString());
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/referrals/webhooks")).GetProperty("items").GetArrayLength());

        // Another agency has its own allowance.
        var other = _hub.ClientFor("agency-other", Roles.AgencyAdmin);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/other" })).StatusCode);

        // A deleted (inactive) webhook no longer counts.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/referrals/webhooks/{first.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/three" })).StatusCode);
    }
}
