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

        Assert.Equal(new[] { Demo.AgencyBMhpss.ToString(), Demo.AgencyFMhpss.ToString() }.Order(), mhpss.GetProperty("contents").Strings("id").Order());
        Assert.Equal(4, agencyB.GetProperty("total_items").GetInt32());
        Assert.Equal([Demo.AgencyFMhpss.ToString()], search.GetProperty("contents").Strings("id"));
        Assert.All(concerns.GetProperty("contents").EnumerateArray(), s => Assert.Contains(s.GetProperty("attributes").EnumerateArray(),
            a => a.GetProperty("taxonomy_term").GetProperty("taxonomy").GetString() == "referralhub-protection-concerns"));
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

    [Fact]
    public async Task Taxonomy_parameters_are_honoured_and_ids_are_UUIDs_with_the_code_kept()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var taxonomies = await client.GetJsonAsync("/hsds/taxonomies?search=protection");
        var concernsId = taxonomies.GetProperty("contents")[0].GetProperty("id").GetString();
        var byUuid = await client.GetJsonAsync($"/hsds/taxonomy_terms?taxonomy_id={concernsId}&per_page=200");
        var byCode = await client.GetJsonAsync("/hsds/taxonomy_terms?taxonomy_id=referralhub-protection-concerns&per_page=200");
        var topOnly = await client.GetJsonAsync("/hsds/taxonomy_terms?top_only=true&per_page=200");
        var all = await client.GetJsonAsync("/hsds/taxonomy_terms?per_page=200");
        var children = await client.GetJsonAsync($"/hsds/taxonomy_terms?parent_id={byUuid.GetProperty("contents")[0].GetProperty("id").GetString()}");
        var search = await client.GetJsonAsync("/hsds/taxonomy_terms?search=trafficking");
        var mhpss = await client.GetJsonAsync("/hsds/taxonomy_terms?search=Specialised%20MHPSS%20services");
        var mhpssId = mhpss.GetProperty("contents")[0].GetProperty("id").GetString();
        var services = await client.GetJsonAsync($"/hsds/services?taxonomy_term_id={mhpssId}");

        Assert.Equal(1, taxonomies.GetProperty("total_items").GetInt32());
        Assert.True(Guid.TryParse(concernsId, out _));
        Assert.Equal(13, byUuid.GetProperty("total_items").GetInt32());
        Assert.Equal(byUuid.GetProperty("contents").Strings("id"), byCode.GetProperty("contents").Strings("id"));
        Assert.Equal(all.GetProperty("total_items").GetInt32(), topOnly.GetProperty("total_items").GetInt32()); // the hub's taxonomies are flat
        Assert.True(children.GetProperty("empty").GetBoolean());
        Assert.Equal(["trafficking"], search.GetProperty("contents").Strings("code"));
        Assert.Equal("specialised-mhpss", mhpss.GetProperty("contents")[0].GetProperty("code").GetString());
        Assert.Equal(new[] { Demo.AgencyBMhpss.ToString(), Demo.AgencyFMhpss.ToString() }.Order(), services.GetProperty("contents").Strings("id").Order());
        Assert.All(all.GetProperty("contents").EnumerateArray(), t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task Term_ids_are_the_same_on_every_call_and_every_hub()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var first = await client.GetJsonAsync("/hsds/taxonomy_terms?search=gbv-survivor-support");

        // Name-based (version 5) UUIDs: fixed by the taxonomy and code, not by the database.
        Assert.Equal(HsdsTaxonomyTermIdFor("referralhub-service-types", "gbv-survivor-support"), first.GetProperty("contents")[0].GetProperty("id").GetString());
        Assert.Equal('5', first.GetProperty("contents")[0].GetProperty("id").GetString()![14]);
    }

    private static string HsdsTaxonomyTermIdFor(string taxonomy, string code) => ReferralHub.Directory.Hsds.HsdsTaxonomies.TermId(taxonomy, code);

    [Theory]
    [InlineData("/hsds/services?format=ndjson", "format")]
    [InlineData("/hsds/services?minimal=true", "minimal")]
    [InlineData("/hsds/service_at_locations?postcode=SW1A", "postcode")]
    [InlineData("/hsds/service_at_locations?proximity=500", "proximity")]
    [InlineData("/hsds/taxonomy_terms?format=csv", "format")]
    [InlineData("/hsds/services?text=counselling", "text")]
    [InlineData("/hsds/services?age=12", "age")]
    public async Task Parameters_the_hub_does_not_implement_are_refused_by_name(string url, string field)
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Without_the_publish_setting_a_token_is_required()
    {
        var anonymous = hub.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hsds/services")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/hsds/")).StatusCode);
    }
}
