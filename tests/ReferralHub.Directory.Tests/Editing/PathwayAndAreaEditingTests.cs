using System.Net;
using System.Net.Http.Json;

namespace ReferralHub.Directory.Tests.Editing;

public sealed class PathwayAndAreaEditingTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    [Fact]
    public async Task A_camp_pathway_put_ahead_of_the_district_one_changes_the_order_in_that_camp_only()
    {
        var camp1 = await hub.ClientForAsync(DirectoryHubFactory.Camp1Maintainer);
        var reader = await hub.ClientForAsync(Demo.AgencyA);

        var created = await camp1.PostAsJsonAsync("/api/v1/directory/pathways", new
        {
            areaCode = Demo.Camp1, serviceType = "specialised-mhpss", serviceIds = new[] { Demo.AgencyFMhpss, Demo.AgencyBMhpss }, reofferToNext = false,
        });
        var inCamp1 = await reader.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1BlockA}&serviceType=specialised-mhpss&age=15");
        var inCamp2 = await reader.GetJsonAsync("/api/v1/pathways?area=demo-camp-2&serviceType=specialised-mhpss&age=15");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal([Demo.AgencyFMhpss.ToString(), Demo.AgencyBMhpss.ToString()], inCamp1.GetProperty("services").Strings("id"));
        Assert.Equal(Demo.Camp1, inCamp1.GetProperty("pathwayArea").GetString());
        Assert.False(inCamp1.GetProperty("reofferToNext").GetBoolean());
        Assert.Equal([Demo.AgencyBMhpss.ToString(), Demo.AgencyFMhpss.ToString()], inCamp2.GetProperty("services").Strings("id"));
    }

    [Fact]
    public async Task Pathways_are_edited_only_by_maintainers_of_their_area_and_stale_versions_get_409()
    {
        var camp1 = await hub.ClientForAsync(DirectoryHubFactory.Camp1Maintainer);
        var district = await hub.ClientForAsync(Demo.Pathways);
        var coordinator = await hub.ClientForAsync(Demo.Coordinator);
        var body = new { serviceIds = new[] { Demo.AgencyBMhpss }, reofferToNext = true, version = 1 };

        var byCamp1 = await camp1.PutAsJsonAsync($"/api/v1/directory/pathways/{Demo.MhpssPathway}", body);
        var byCoordinator = await coordinator.PutAsJsonAsync($"/api/v1/directory/pathways/{Demo.MhpssPathway}", body);
        var byDistrict = await district.PutAsJsonAsync($"/api/v1/directory/pathways/{Demo.MhpssPathway}", body);
        var again = await district.PutAsJsonAsync($"/api/v1/directory/pathways/{Demo.MhpssPathway}", body with { serviceIds = [Demo.AgencyFMhpss] });
        var camp2 = await camp1.PostAsJsonAsync("/api/v1/directory/pathways", new { areaCode = "demo-camp-2", serviceType = "medical", serviceIds = Array.Empty<Guid>() });
        var wrongType = await district.PostAsJsonAsync("/api/v1/directory/pathways", new { areaCode = "demo-camp-3", serviceType = "medical", serviceIds = new[] { Demo.AgencyBMhpss } });

        Assert.Equal(HttpStatusCode.Forbidden, byCamp1.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byCoordinator.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byDistrict.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, camp2.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.True((await wrongType.JsonAsync()).GetProperty("errors").TryGetProperty("serviceIds[0]", out _));
        var history = await coordinator.GetItemsAsync($"/api/v1/directory/pathways/{Demo.MhpssPathway}/history");
        Assert.Equal(["serviceIds"], history[1].GetProperty("changes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_maintainer_adds_blocks_and_area_focal_points_below_its_area_only()
    {
        var camp1 = await hub.ClientForAsync(DirectoryHubFactory.Camp1Maintainer);

        var block = await camp1.PostAsJsonAsync("/api/v1/directory/areas", new { code = "demo-camp-1-block-z", name = "Block Z", level = "block", parentCode = Demo.Camp1 });
        var elsewhere = await camp1.PostAsJsonAsync("/api/v1/directory/areas", new { code = "demo-camp-2-block-z", name = "Block Z", level = "block", parentCode = "demo-camp-2" });
        var area = await camp1.GetJsonAsync($"/api/v1/directory/areas/{Demo.Camp1}");
        var focal = await camp1.PutAsJsonAsync($"/api/v1/directory/areas/{Demo.Camp1}", new
        {
            name = "Demo Camp 1", level = "camp", version = area.GetProperty("version").GetInt64(),
            focalPoints = new[] { new { name = "New CPFP", phone = "+100 200 300", email = "new.cpfp@demo.invalid" } },
        });
        var resolved = await camp1.GetJsonAsync("/api/v1/pathways?area=demo-camp-1-block-z&serviceType=medical");

        Assert.Equal(HttpStatusCode.Created, block.StatusCode);
        Assert.Equal([Demo.District, Demo.Camp1], (await block.JsonAsync()).GetProperty("ancestorCodes").EnumerateArray().Select(e => e.GetString()).Skip(1));
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, focal.StatusCode);
        Assert.Equal("new.cpfp@demo.invalid", resolved.GetProperty("childProtectionFocalPoints")[0].GetProperty("email").GetString());
        Assert.NotEmpty(resolved.GetProperty("services").EnumerateArray()); // district-wide services cover the new block
    }

    [Fact]
    public async Task An_agency_admin_edits_its_own_organisation_focal_points_only()
    {
        var admin = await hub.ClientForAsync(DirectoryHubFactory.AgencyBAdmin);
        var own = await admin.GetJsonAsync($"/api/v1/directory/organisations/{Demo.AgencyBOrganisation}");
        var agencyA = (await admin.GetJsonAsync("/api/v1/directory/organisations")).GetProperty("items").EnumerateArray().Single(o => o.GetProperty("code").GetString() == "agency-a");

        var focal = await admin.PutAsJsonAsync($"/api/v1/directory/organisations/{Demo.AgencyBOrganisation}", new
        {
            name = own.GetProperty("name").GetString(), acronym = own.GetProperty("acronym").GetString(), kind = "nngo",
            description = own.GetProperty("description").GetString(), website = own.GetProperty("website").GetString(),
            focalPoints = new[] { new { name = "Referral desk", email = "desk@agency-b.demo.invalid" } }, version = own.GetProperty("version").GetInt64(),
        });
        var rename = await admin.PutAsJsonAsync($"/api/v1/directory/organisations/{Demo.AgencyBOrganisation}", new
        {
            name = "Agency B renamed", kind = "nngo", version = own.GetProperty("version").GetInt64() + 1,
            focalPoints = new[] { new { name = "Referral desk", email = "desk@agency-b.demo.invalid" } },
        });
        var other = await admin.PutAsJsonAsync($"/api/v1/directory/organisations/{agencyA.GetProperty("id").GetString()}", new
        {
            name = agencyA.GetProperty("name").GetString(), kind = "ingo", version = agencyA.GetProperty("version").GetInt64(),
            focalPoints = new[] { new { name = "Hijack", email = "x@agency-b.demo.invalid" } },
        });
        var newOrganisation = await admin.PostAsJsonAsync("/api/v1/directory/organisations", new { code = "agency-z", name = "Z", kind = "cbo" });

        Assert.Equal(HttpStatusCode.OK, focal.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rename.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, newOrganisation.StatusCode);
    }

    [Fact]
    public async Task An_organisation_working_in_several_camps_is_changed_or_retired_only_by_a_maintainer_of_all_of_them()
    {
        // agency-f delivers services in camps 1, 2 and 5: the camp 1 focal point maintains only one of them.
        var camp1 = await hub.ClientForAsync(DirectoryHubFactory.Camp1Maintainer);
        var district = await hub.ClientForAsync(Demo.Pathways);
        var agencyF = (await camp1.GetJsonAsync("/api/v1/directory/organisations")).GetProperty("items").EnumerateArray().Single(o => o.GetProperty("code").GetString() == "agency-f");
        var id = agencyF.GetProperty("id").GetString();
        var version = agencyF.GetProperty("version").GetInt64();
        object Edit(string name, long v) => new
        {
            name, kind = agencyF.GetProperty("kind").GetString(), version = v,
            focalPoints = new[] { new { name = "Hijack", email = "x@camp1.demo.invalid" } },
        };

        var retire = await camp1.PostAsJsonAsync($"/api/v1/directory/organisations/{id}/retire", new { version });
        var rewrite = await camp1.PutAsJsonAsync($"/api/v1/directory/organisations/{id}", Edit("Renamed by a camp", version));
        var unchanged = await camp1.GetJsonAsync($"/api/v1/directory/organisations/{id}");
        // The district maintainer saves it unchanged but for the description (other tests read agency-f's focal points).
        var byDistrict = await district.PutAsJsonAsync($"/api/v1/directory/organisations/{id}", new
        {
            name = agencyF.GetProperty("name").GetString(), acronym = agencyF.GetProperty("acronym").GetString(), kind = agencyF.GetProperty("kind").GetString(),
            description = "Checked by the district focal point.", website = agencyF.GetProperty("website").GetString(),
            focalPoints = agencyF.GetProperty("focalPoints"), version,
        });

        Assert.Equal(HttpStatusCode.Forbidden, retire.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rewrite.StatusCode);
        Assert.False(unchanged.GetProperty("retired").GetBoolean());
        Assert.Equal(version, unchanged.GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, byDistrict.StatusCode); // a maintainer of the district covers every camp in it
    }
}
