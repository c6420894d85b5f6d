using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ReferralHub.Directory.Exchange;

namespace ReferralHub.Directory.Tests.Exchange;

public sealed class ExportImportTests
{
    [Fact]
    public async Task Export_then_import_into_another_hub_then_export_is_identical()
    {
        await using var source = new DirectoryHubFactory();
        await using var target = new DirectoryHubFactory();
        var maintainer = await source.ClientForAsync(Demo.Pathways);
        // Something beyond the demo data: a new service on a new camp-level pathway, and a retired demo service.
        var created = await (await maintainer.PostAsJsonAsync("/api/v1/directory/services", new
        {
            organisationId = Demo.AgencyBOrganisation, serviceType = "legal-support", name = "Round-trip clinic", areaCodes = new[] { Demo.Camp1 },
            accepting = false, notAcceptingReason = "Full", notAcceptingUntil = "2031-01-01T00:00:00Z", languages = new[] { "ar" },
        })).JsonAsync();
        await maintainer.PostAsJsonAsync("/api/v1/directory/pathways", new { areaCode = Demo.Camp1, serviceType = "legal-support", serviceIds = new[] { created.GetProperty("id").GetString() }, reofferToNext = false });
        await maintainer.PostAsJsonAsync($"/api/v1/directory/services/{Demo.AgencyFMhpss}/retire", new { version = 1 });

        var exported = await (await source.ClientForAsync(Demo.Coordinator)).GetStringAsync("/api/v1/directory/export");
        var ops = await target.ClientForAsync(Demo.Ops);
        var import = await ops.PostAsync("/api/v1/directory/import", new StringContent(exported, Encoding.UTF8, "application/json"));
        var again = await ops.PostAsync("/api/v1/directory/import", new StringContent(exported, Encoding.UTF8, "application/json"));
        var reexported = await ops.GetStringAsync("/api/v1/directory/export");

        Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync());
        var result = await import.JsonAsync();
        Assert.Equal(2, result.GetProperty("created").GetInt32());
        Assert.Equal(1, result.GetProperty("retired").GetInt32());
        Assert.Equal(0, (await again.JsonAsync()).GetProperty("updated").GetInt32()); // importing the same file twice changes nothing
        Assert.Equal(exported, reexported);
        var pathway = await ops.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss");
        Assert.Equal([Demo.AgencyBMhpss.ToString()], pathway.GetProperty("services").Strings("id"));
    }

    [Fact]
    public async Task An_invalid_data_set_is_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var hub = new DirectoryHubFactory();
        var ops = await hub.ClientForAsync(Demo.Ops);
        var data = JsonNode.Parse(await ops.GetStringAsync("/api/v1/directory/export"))!;
        data["services"]![0]!["name"] = "Renamed in the file";
        data["services"]![1]!["organization_id"] = Guid.NewGuid().ToString();

        var response = await ops.PostAsync("/api/v1/directory/import", new StringContent(data.ToJsonString(), Encoding.UTF8, "application/json"));
        var maintainer = await hub.ClientForAsync(Demo.Pathways);
        var forbidden = await maintainer.PostAsync("/api/v1/directory/import", new StringContent(data.ToJsonString(), Encoding.UTF8, "application/json"));
        var unreadable = await ops.PostAsync("/api/v1/directory/import", new StringContent("{\"services\": 12}", Encoding.UTF8, "application/json"));
        var names = (await ops.GetJsonAsync("/api/v1/directory/services")).Strings("name");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("services[1].organization_id", out _));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        Assert.DoesNotContain("Renamed in the file", names);
    }

    [Theory]
    [InlineData("{}", "services")]
    [InlineData("{\"services\": []}", "services")]
    public async Task A_data_set_that_would_empty_the_directory_is_refused_and_nothing_is_retired(string body, string field)
    {
        await using var hub = new DirectoryHubFactory();
        var ops = await hub.ClientForAsync(Demo.Ops);
        var before = await ops.GetStringAsync("/api/v1/directory/export");

        var response = await ops.PostAsync("/api/v1/directory/import", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.True(errors.TryGetProperty("organizations", out _), errors.ToString());
        Assert.Equal(before, await ops.GetStringAsync("/api/v1/directory/export"));
    }

    [Fact]
    public async Task The_host_verbs_export_the_same_data_set_as_the_API_and_import_it_back_unchanged()
    {
        await using var hub = new DirectoryHubFactory();
        var api = await (await hub.ClientForAsync(Demo.Coordinator)).GetStringAsync("/api/v1/directory/export");
        var file = Path.Combine(hub.DataDirectory, "mapping.json");

        var exported = await DirectoryCommands.RunAsync(hub.Services, ["export", file]);
        var imported = await DirectoryCommands.RunAsync(hub.Services, ["import", file]);
        var replayed = await DirectoryCommands.RunAsync(hub.Services, ["replay"]);
        var unknown = await DirectoryCommands.RunAsync(hub.Services, ["frobnicate"]);

        Assert.Equal(0, exported);
        Assert.Equal(api, await File.ReadAllTextAsync(file));
        Assert.Equal(0, imported);
        Assert.Equal(0, replayed);
        Assert.Equal(2, unknown);
        Assert.Equal(1, (await (await hub.ClientForAsync(Demo.Coordinator)).GetJsonAsync($"/api/v1/directory/services/{Demo.AgencyBMhpss}")).GetProperty("version").GetInt64());
    }
}
