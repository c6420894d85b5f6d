using System.Net;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

public sealed class DemoClientTests(ProductionHubFactory production) : IClassFixture<ProductionHubFactory>
{
    [Theory]
    [InlineData("agency-a-system", "agency-a-secret")]
    [InlineData("agency-b-system", "agency-b-secret")]
    [InlineData("ops-system", "ops-secret")]
    public async Task Demo_clients_do_not_exist_outside_Development(string clientId, string secret)
    {
        var response = await production.RequestTokenAsync(clientId, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Demo_clients_from_an_earlier_Development_start_are_removed_when_the_hub_goes_to_Production()
    {
        var data = System.IO.Directory.CreateTempSubdirectory("referralhub-golive-").FullName;
        await using (var development = new EmbeddedHubFactory { DataDirectory = data, KeepData = true })
        {
            await development.InitializeAsync();
            Assert.Equal(HttpStatusCode.OK, (await development.RequestTokenAsync("agency-a-system", "agency-a-secret")).StatusCode);
        }

        await using var live = new ProductionHubFactory { DataDirectory = data };
        await live.InitializeAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await live.RequestTokenAsync("agency-a-system", "agency-a-secret")).StatusCode);
    }

    [Fact]
    public async Task The_hub_still_starts_and_reports_healthy_in_Production()
    {
        var response = await production.CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
