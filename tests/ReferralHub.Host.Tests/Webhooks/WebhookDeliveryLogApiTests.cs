using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Webhooks;

/// <summary>
/// <c>GET /api/v1/referrals/webhooks/{id}/deliveries</c>: the agency admin's delivery log, for their own agency's webhook
/// only. (What the log says as callbacks succeed and fail: tests/ReferralHub.Portal.Tests/Agency/AgencyWebhooksTests.)
/// </summary>
public sealed class WebhookDeliveryLogApiTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task The_log_is_the_agencys_own_and_another_agencys_admin_gets_404()
    {
        using var admin = await hub.AdminOfAsync("agency-a");
        var registered = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-a.example/hook" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var own = await admin.GetAsync($"/api/v1/referrals/webhooks/{id}/deliveries");
        using var otherAdmin = await hub.AdminOfAsync("agency-b");
        var other = await otherAdmin.GetAsync($"/api/v1/referrals/webhooks/{id}/deliveries");
        using var system = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var notAdmin = await system.GetAsync($"/api/v1/referrals/webhooks/{id}/deliveries");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(JsonValueKind.Array, (await own.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
    }

    [Fact]
    public async Task A_limit_out_of_range_is_a_problem_naming_the_field()
    {
        using var admin = await hub.AdminOfAsync("agency-a");
        var registered = await (await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-a.example/hook-2" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var response = await admin.GetAsync($"/api/v1/referrals/webhooks/{registered.GetProperty("id").GetGuid()}/deliveries?limit=0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }
}
