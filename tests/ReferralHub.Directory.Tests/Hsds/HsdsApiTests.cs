using System.Net;

namespace ReferralHub.Directory.Tests.Hsds;

public sealed class HsdsApiTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    [Fact]
    public async Task Services_are_listed_in_the_HSDS_paged_envelope_and_pages_cover_every_service_once()
    {
        var client = await hub.ClientForAsync(Demo.Coordinator);

        var first = await client.GetJsonAsync("/hsds/services?per_page=8");
        var ids = new List<string>();
        for (var page = 1; page <= first.GetProperty("total_pages").GetInt32(); page++)
            ids.AddRange((await client.GetJsonAsync($"/hsds/services?per_page=8&page={page}")).GetProperty("contents").Strings("id"));
        var last = await client.GetJsonAsync($"/hsds/services?per_page=8&page={first.GetProperty("total_pages").GetInt32()}");
        var beyond = await client.GetJsonAsync("/hsds/services?per_page=8&page=99");

        Assert.Equal(30, first.GetProperty("total_items").GetInt32());
        Assert.Equal(4, first.GetProperty("total_pages").GetInt32());
        Assert.Equal(1, first.GetProperty("page_number").GetInt32());
        Assert.Equal(8, first.GetProperty("size").GetInt32());
        Assert.True(first.GetProperty("first_page").GetBoolean());
        Assert.False(first.GetProperty("last_page").GetBoolean());
        Assert.False(first.GetProperty("empty").GetBoolean());
        Assert.True(last.GetProperty("last_page").GetBoolean());
        Assert.Equal(6, last.GetProperty("size").GetInt32());
        Assert.True(beyond.GetProperty("empty").GetBoolean());
        Assert.Equal(30, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("per_page=0", "per_page")]
    [InlineData("per_page=1000", "per_page")]
    [InlineData("page=0", "page")]
    public async Task Paging_is_bounded(string query, string field)
    {
        var client = await hub.ClientForAsync(Demo.Coordinator);

        var response = await client.GetAsync("/hsds/services?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Query_parameters_filter_by_taxonomy_term_organization_search_and_modified_after()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var mhpss = await client.GetJsonAsync("/hsds/services?taxonomy_term_id=referralhub-service-types:specialised-mhpss");
        var agencyB = await client.GetJsonAsync($"/hsds/services?organization_id={Demo.AgencyBOrganisation}");
        var search = await client.GetJsonAsync("/hsds/services?search=psychiatric");
        var concerns = await client.GetJsonAsync("/hsds/services?taxonomy_id=referralhub-protection-concerns&per_page=200");
        var future = await client.GetJsonAsync("/hsds/services?modified_after=2100-01-01T00:00:00Z");

        Assert.Equal([Demo.AgencyFMhpss.ToString(), Demo.AgencyBMhpss.ToString()], mhpss.GetProperty("contents").Strings("id").Order().ToArray().Length == 2
            ? mhpss.GetProperty("contents").Strings("id").ToArray() : []);
        Assert.Equal(4, agencyB.GetProperty("total_items").GetInt32());
        Assert.Equal([Demo.AgencyFMhpss.ToString()], search.GetProperty("contents").Strings("id"));
        Assert.All(concerns.GetProperty("contents").EnumerateArray(), s => Assert.Contains(s.GetProperty("attributes").EnumerateArray(),
            a => a.GetProperty("taxonomy_term_id").GetString()!.StartsWith("referralhub-protection-concerns:", StringComparison.Ordinal)));
        Assert.True(future.GetProperty("empty").GetBoolean());
    }

    [Fact]
    public async Task A_service_is_fully_nested_with_contacts_languages_areas_and_its_organization()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var service = await client.GetJsonAsync($"/hsds/services/{Demo.AgencyBMhpss}");
        var organization = await client.GetJsonAsync($"/hsds/organizations/{Demo.AgencyBOrganisation}");
        var missing = await client.GetAsync($"/hsds/services/{Guid.NewGuid()}");

        Assert.Equal("active", service.GetProperty("status").GetString());
        Assert.Equal(5, service.GetProperty("minimum_age").GetInt32());
        Assert.Equal(Demo.AgencyBOrganisation.ToString(), service.GetProperty("organization").GetProperty("id").GetString());
        Assert.Equal(["en", "ar", "so"], service.GetProperty("languages").Strings("code"));
        Assert.Equal([Demo.District], service.GetProperty("service_areas").Strings("extent"));
        Assert.NotEmpty(service.GetProperty("contacts")[0].GetProperty("phones").EnumerateArray());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", service.GetProperty("assured_date").GetString());
        Assert.Equal("agency-b", organization.GetProperty("organization_identifiers")[0].GetProperty("identifier").GetString());
        Assert.Equal(4, organization.GetProperty("services").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Meta_organizations_service_at_locations_and_taxonomy_terms_answer()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var meta = await client.GetJsonAsync("/hsds/");
        var organizations = await client.GetJsonAsync("/hsds/organizations");
        var atLocations = await client.GetJsonAsync($"/hsds/service_at_locations?organization_id={Demo.AgencyBOrganisation}&full=true");
        var terms = await client.GetJsonAsync("/hsds/taxonomy_terms?taxonomy_id=referralhub-service-types&per_page=100");

        Assert.Equal("3.0", meta.GetProperty("version").GetString());
        Assert.Equal(8, organizations.GetProperty("total_items").GetInt32());
        Assert.Equal(4, atLocations.GetProperty("total_items").GetInt32());
        Assert.Equal(Demo.District, atLocations.GetProperty("contents")[0].GetProperty("location").GetProperty("alternate_name").GetString());
        Assert.Equal(ReferralHub.Contracts.Taxonomy.ServiceTypes.All.Count, terms.GetProperty("total_items").GetInt32());
    }
}
