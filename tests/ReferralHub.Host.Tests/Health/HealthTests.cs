using System.Net;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Health;

public sealed class HealthTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Health_answers_200_without_a_token_once_every_service_is_ready()
    {
        var response = await hub.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_service_database_is_created_and_migrated_on_first_start()
    {
        await hub.CreateClient().GetAsync("/health");

        var files = System.IO.Directory.GetFiles(hub.DataDirectory, "*.db").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["consent.db", "directory.db", "gateway.db", "portal.db", "referrals.db", "transfers.db"], files);
    }

    [Fact]
    public async Task The_OpenAPI_document_is_public()
    {
        var response = await hub.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/me", await response.Content.ReadAsStringAsync());
    }
}
