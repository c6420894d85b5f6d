using System.Net;

namespace ReferralHub.Directory.Tests.Hsds;

/// <summary>A hub whose cluster chose to publish the directory (Directory:HsdsPublic = true).</summary>
public sealed class PublishedDirectoryHubFactory : DirectoryHubFactory
{
    public PublishedDirectoryHubFactory() => Settings["Directory:HsdsPublic"] = "true";
}

public sealed class PublishedHsdsTests(PublishedDirectoryHubFactory hub) : IClassFixture<PublishedDirectoryHubFactory>
{
    [Fact]
    public async Task Anyone_reads_the_published_directory_without_focal_points_contacts()
    {
        var anonymous = hub.CreateClient();

        var service = await anonymous.GetJsonAsync($"/hsds/services/{Demo.AgencyBMhpss}");
        var organization = await anonymous.GetJsonAsync($"/hsds/organizations/{Demo.AgencyBOrganisation}?full_service=true");
        var rows = await anonymous.GetJsonAsync($"/hsds/service_at_locations?organization_id={Demo.AgencyBOrganisation}&full=true");
        var text = await anonymous.GetStringAsync($"/hsds/organizations?full=true&full_service=true&per_page=200");

        Assert.Equal(Demo.AgencyBMhpss.ToString(), service.GetProperty("id").GetString());
        Assert.False(service.TryGetProperty("contacts", out _));
        Assert.False(organization.TryGetProperty("contacts", out _));
        Assert.All(organization.GetProperty("services").EnumerateArray(), s => Assert.False(s.TryGetProperty("contacts", out _)));
        Assert.All(rows.GetProperty("contents").EnumerateArray(), r => Assert.False(r.GetProperty("service").TryGetProperty("contacts", out _)));
        Assert.DoesNotContain("\"phones\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"email\"", text, StringComparison.Ordinal);
        HsdsSchemas.AssertValid(service, "service.json", "anonymous service");
    }

    [Fact]
    public async Task Callers_with_a_token_still_get_the_contacts()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var service = await client.GetJsonAsync($"/hsds/services/{Demo.AgencyBMhpss}");

        Assert.NotEmpty(service.GetProperty("contacts").EnumerateArray());
    }

    [Fact]
    public async Task Publishing_is_read_only_and_only_the_HSDS_API()
    {
        var anonymous = hub.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/directory/export")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/directory/services")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/v1/directory/services", null)).StatusCode); // writes still need a token
    }
}
