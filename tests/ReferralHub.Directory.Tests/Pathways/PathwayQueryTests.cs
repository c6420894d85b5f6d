using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Directory;

namespace ReferralHub.Directory.Tests.Pathways;

public sealed class PathwayQueryTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    [Fact]
    public async Task Specialised_MHPSS_in_a_camp_block_lists_agency_B_first_inherited_from_the_district_pathway()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var body = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1BlockA}&serviceType=specialised-mhpss");

        var services = body.GetProperty("services");
        Assert.Equal([Demo.AgencyBMhpss.ToString(), Demo.AgencyFMhpss.ToString()], services.Strings("id"));
        Assert.Equal("agency-b", services[0].GetProperty("organisation").GetProperty("code").GetString());
        Assert.Equal(Demo.District, services[0].GetProperty("deliveredIn").GetString());
        Assert.Equal(Demo.Camp1, services[1].GetProperty("deliveredIn").GetString());
        Assert.Equal(Demo.District, body.GetProperty("pathwayArea").GetString());
        Assert.True(body.GetProperty("reofferToNext").GetBoolean());
        Assert.NotEmpty(services[0].GetProperty("focalPoints").EnumerateArray());
        // The nearest area with child protection focal points is the camp.
        Assert.Contains("camp1", body.GetProperty("childProtectionFocalPoints")[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_service_delivered_only_in_a_camp_does_not_cover_other_camps_or_the_district()
    {
        var client = await hub.ClientForAsync(Demo.Coordinator);

        var camp4 = await client.GetJsonAsync("/api/v1/pathways?area=demo-camp-4&serviceType=specialised-mhpss");
        var district = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.District}&serviceType=specialised-mhpss");

        Assert.Equal([Demo.AgencyBMhpss.ToString()], camp4.GetProperty("services").Strings("id"));
        Assert.Equal([Demo.AgencyBMhpss.ToString()], district.GetProperty("services").Strings("id"));
    }

    [Fact]
    public async Task Eligibility_filters_leave_services_out_and_explain_says_why()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        // Agency F's clinic takes 12+ and English only; agency B's takes 5–17.
        var young = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss&age=8&explain=true");
        var somali = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss&age=14&language=so&explain=true");
        var adult = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss&age=19&explain=true");
        var boys = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=gbv-survivor-support&sex=male&explain=true");
        var concern = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss&protectionConcern=child-labour&explain=true");
        var silent = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss&age=8");

        Assert.Equal([Demo.AgencyBMhpss.ToString()], young.GetProperty("services").Strings("id"));
        var excluded = Assert.Single(young.GetProperty("excluded").EnumerateArray());
        Assert.Equal(Demo.AgencyFMhpss.ToString(), excluded.GetProperty("id").GetString());
        Assert.Equal(["age"], excluded.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal(["language"], Assert.Single(somali.GetProperty("excluded").EnumerateArray()).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal([Demo.AgencyFMhpss.ToString()], adult.GetProperty("services").Strings("id"));
        Assert.Empty(boys.GetProperty("services").EnumerateArray());
        Assert.Contains("sex", boys.GetProperty("excluded")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["protection-concern"], Assert.Single(concern.GetProperty("excluded").EnumerateArray()).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, silent.GetProperty("excluded").ValueKind);
    }

    [Fact]
    public async Task A_service_not_accepting_is_left_out_and_stale_services_stay_in_marked()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var school = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=education-formal&explain=true");
        var food = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=food");

        Assert.Empty(school.GetProperty("services").EnumerateArray());
        Assert.Equal(["not-accepting"], school.GetProperty("excluded")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.True(Assert.Single(food.GetProperty("services").EnumerateArray()).GetProperty("stale").GetBoolean());
    }

    [Theory]
    [InlineData("?area=demo-camp-1", "serviceType")]
    [InlineData("?area=demo-camp-1&serviceType=haircut", "serviceType")]
    [InlineData("?serviceType=medical", "area")]
    [InlineData("?area=demo-camp-1&serviceType=medical&age=300", "age")]
    public async Task Bad_queries_get_a_400_naming_the_field(string query, string field)
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var response = await client.GetAsync("/api/v1/pathways" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task An_unknown_area_gets_a_400_naming_the_area()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var response = await client.GetAsync("/api/v1/pathways?area=atlantis&serviceType=medical");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("area", out _));
    }

    [Fact]
    public async Task The_pathway_query_needs_a_token()
    {
        var response = await hub.CreateClient().GetAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=medical");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_ResolvePathway_request_answers_like_the_HTTP_query()
    {
        await hub.ClientForAsync(Demo.AgencyA); // the hub is started and seeded
        using var scope = hub.Services.CreateScope();
        var requests = scope.ServiceProvider.GetRequiredService<IRequestClient<ResolvePathway>>();

        var byArea = await requests.GetResponse<PathwayResolved>(new ResolvePathway(Demo.Camp1BlockA, "specialised-mhpss", Age: 10));
        var named = await requests.GetResponse<PathwayResolved>(new ResolvePathway(null, null, ServiceId: DemoIds.SchoolEnrolment));
        var unknown = await requests.GetResponse<PathwayResolved>(new ResolvePathway("atlantis", "medical"));

        Assert.True(byArea.Message.AreaKnown);
        Assert.Equal([Demo.AgencyBMhpss], byArea.Message.Services.Select(s => s.Id));
        Assert.Equal("agency-b", byArea.Message.Services[0].OrganisationCode);
        Assert.True(byArea.Message.ReofferToNext);
        Assert.NotEmpty(byArea.Message.ChildProtectionFocalPoints);
        // A named service comes back even when it is not accepting, so the referral can be checked against it.
        Assert.False(Assert.Single(named.Message.Services).Accepting.Accepting);
        Assert.False(unknown.Message.AreaKnown);
        Assert.Empty(unknown.Message.Services);
    }
}

internal static class DemoIds
{
    public static readonly Guid SchoolEnrolment = ReferralHub.Directory.Seeding.DemoDirectorySeeder.ServiceId("agency-h", "education-formal");
}
