using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReferralHub.Directory.Tests.Editing;

public sealed class ServiceEditingTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    private static JsonObject NewService(string name, params string[] areas) => new()
    {
        ["organisationId"] = Demo.AgencyBOrganisation,
        ["serviceType"] = "legal-support",
        ["name"] = name,
        ["areaCodes"] = new JsonArray([.. areas.Select(a => (JsonNode)a)]),
        ["minAge"] = 10,
        ["maxAge"] = 17,
        ["languages"] = new JsonArray("ar"),
        ["focalPoints"] = new JsonArray(new JsonObject { ["name"] = "Test Person", ["phone"] = "+100 555 0101", ["email"] = "legal@agency-b.demo.invalid" }),
    };

    /// <summary>The service as read, as a PUT body (the read shape is accepted back, with its version).</summary>
    private static async Task<JsonObject> ReadAsync(HttpClient client, string id) =>
        JsonNode.Parse((await client.GetJsonAsync($"/api/v1/directory/services/{id}")).GetRawText())!.AsObject();

    [Fact]
    public async Task A_maintainer_creates_and_edits_a_service_and_every_edit_is_versioned_and_attributed()
    {
        var maintainer = await hub.ClientForAsync(Demo.Pathways);

        var created = await maintainer.PostAsJsonAsync("/api/v1/directory/services", NewService("Legal clinic", Demo.Camp1));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var body = await ReadAsync(maintainer, id);
        body["name"] = "Legal clinic (Camp 1)";
        body["maxAge"] = 18;
        var updated = await maintainer.PutAsJsonAsync($"/api/v1/directory/services/{id}", body);
        var history = await maintainer.GetItemsAsync($"/api/v1/directory/services/{id}/history");

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(2, (await updated.JsonAsync()).GetProperty("version").GetInt64());
        Assert.Equal(2, history.GetArrayLength());
        Assert.Equal("created", history[0].GetProperty("action").GetString());
        Assert.Equal("updated", history[1].GetProperty("action").GetString());
        Assert.Equal("pathways-system", history[1].GetProperty("by").GetString());
        Assert.Equal(["maxAge", "name"], history[1].GetProperty("changes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("Legal clinic (Camp 1)", history[1].GetProperty("snapshot").GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_edit_with_a_stale_version_gets_409_and_changes_nothing()
    {
        var maintainer = await hub.ClientForAsync(Demo.Pathways);
        var id = (await (await maintainer.PostAsJsonAsync("/api/v1/directory/services", NewService("Concurrency clinic", Demo.Camp1))).JsonAsync()).GetProperty("id").GetString()!;
        var first = await ReadAsync(maintainer, id);
        var second = await ReadAsync(maintainer, id);

        first["name"] = "First writer";
        Assert.Equal(HttpStatusCode.OK, (await maintainer.PutAsJsonAsync($"/api/v1/directory/services/{id}", first)).StatusCode);
        second["name"] = "Second writer";
        var conflict = await maintainer.PutAsJsonAsync($"/api/v1/directory/services/{id}", second);
        var missing = second.DeepClone().AsObject();
        missing.Remove("version");
        var noVersion = await maintainer.PutAsJsonAsync($"/api/v1/directory/services/{id}", missing);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(2, (await conflict.JsonAsync()).GetProperty("currentVersion").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.StatusCode);
        Assert.Equal("First writer", (await ReadAsync(maintainer, id))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_maintainer_edits_only_inside_the_areas_assigned_to_them_including_descendants()
    {
        var camp1 = await hub.ClientForAsync(DirectoryHubFactory.Camp1Maintainer);

        var inBlock = await camp1.PostAsJsonAsync("/api/v1/directory/services", NewService("Block legal desk", Demo.Camp1BlockA));
        var inCamp2 = await camp1.PostAsJsonAsync("/api/v1/directory/services", NewService("Camp 2 legal desk", "demo-camp-2"));
        var districtWide = await camp1.PostAsJsonAsync("/api/v1/directory/services", NewService("District legal desk", Demo.District));
        var mhpss = await ReadAsync(camp1, Demo.AgencyBMhpss.ToString()); // delivered district-wide: above camp 1
        mhpss["hours"] = "always";
        var editAbove = await camp1.PutAsJsonAsync($"/api/v1/directory/services/{Demo.AgencyBMhpss}", mhpss);

        Assert.Equal(HttpStatusCode.Created, inBlock.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, inCamp2.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, districtWide.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, editAbove.StatusCode);
    }

    [Fact]
    public async Task An_agency_admin_changes_only_accepting_focal_points_and_hours_of_its_own_services()
    {
        var admin = await hub.ClientForAsync(DirectoryHubFactory.AgencyBAdmin);
        var own = await ReadAsync(admin, DemoIdsForEditing.AgencyBFocused);
        var other = await ReadAsync(admin, DemoIdsForEditing.AgencyFClinic);

        var pause = own.DeepClone().AsObject();
        pause["accepting"] = false;
        pause["notAcceptingReason"] = "Psychologist on leave";
        pause["hours"] = "Sun–Tue 08:00–12:00";
        var paused = await admin.PutAsJsonAsync($"/api/v1/directory/services/{DemoIdsForEditing.AgencyBFocused}", pause);
        var rename = JsonNode.Parse((await paused.JsonAsync()).GetRawText())!.AsObject();
        rename["name"] = "Renamed by the admin";
        var renamed = await admin.PutAsJsonAsync($"/api/v1/directory/services/{DemoIdsForEditing.AgencyBFocused}", rename);
        other["accepting"] = false;
        other["notAcceptingReason"] = "not ours";
        var foreign = await admin.PutAsJsonAsync($"/api/v1/directory/services/{DemoIdsForEditing.AgencyFClinic}", other);

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.False((await ReadAsync(admin, DemoIdsForEditing.AgencyBFocused))["acceptingNow"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, renamed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task A_not_accepting_until_day_already_past_is_refused_naming_the_field_and_changes_nothing()
    {
        var admin = await hub.ClientForAsync(DirectoryHubFactory.AgencyBAdmin);
        var before = await ReadAsync(admin, DemoIdsForEditing.AgencyBFocused);
        var pause = before.DeepClone().AsObject();
        pause["accepting"] = false;
        pause["notAcceptingReason"] = "Psychologist on leave";
        pause["notAcceptingUntil"] = "2025-01-15T00:00:00Z";

        var refused = await admin.PutAsJsonAsync($"/api/v1/directory/services/{DemoIdsForEditing.AgencyBFocused}", pause);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty("notAcceptingUntil", out _));
        var after = await ReadAsync(admin, DemoIdsForEditing.AgencyBFocused);
        Assert.Equal(before["version"]!.GetValue<long>(), after["version"]!.GetValue<long>());
        Assert.Equal(before["acceptingNow"]!.GetValue<bool>(), after["acceptingNow"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("agency-a-system", "agency-a-secret")]
    [InlineData("agency-b-system", "agency-b-secret")]
    [InlineData("coordinator-system", "coordinator-secret")]
    public async Task Coordinators_and_agency_systems_read_but_may_not_edit(string clientId, string secret)
    {
        var client = await hub.ClientForAsync(clientId, secret);

        var list = await client.GetAsync("/api/v1/directory/services?area=demo-camp-1");
        var create = await client.PostAsJsonAsync("/api/v1/directory/services", NewService("Not allowed", Demo.Camp1));
        var review = await client.PostAsJsonAsync($"/api/v1/directory/services/{Demo.AgencyBMhpss}/review", new { version = 1 });

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, review.StatusCode);
    }

    [Fact]
    public async Task Services_and_pathways_page_through_their_cursors_in_the_order_of_one_whole_page_and_a_bad_cursor_is_a_400()
    {
        var coordinator = await hub.ClientForAsync(Demo.Coordinator);
        foreach (var list in new[] { "/api/v1/directory/services", "/api/v1/directory/pathways" })
        {
            var whole = (await coordinator.GetItemsAsync(list)).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
            var paged = new List<Guid>();
            string? cursor = null;
            do
            {
                var page = await coordinator.GetJsonAsync(list + "?limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
                paged.AddRange(page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
                cursor = page.GetProperty("nextCursor").GetString();
            } while (cursor is not null && paged.Count <= whole.Count);

            Assert.True(whole.Count > 2, $"{list} has more than one page of two");
            Assert.Equal(whole, paged);
            var bad = await coordinator.GetAsync(list + "?cursor=bm90LWFuLWlk");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await bad.JsonAsync()).GetProperty("errors").TryGetProperty("cursor", out _));
        }
    }

    [Theory]
    [InlineData("serviceType", "\"haircut\"", 400)]
    [InlineData("minAge", "20", 400)]
    [InlineData("sexes", "[\"robot\"]", 400)]
    [InlineData("languages", "[\"Arabic language\"]", 400)]
    [InlineData("description", "\"LONG\"", 400)]
    [InlineData("focalPoints", "[{\"name\":\"X\",\"email\":\"not-an-email\"}]", 400)]
    [InlineData("focalPoints", "[{\"name\":\"X\",\"phone\":\"call me\"}]", 400)]
    [InlineData("areaCodes", "[\"atlantis\"]", 400)]
    [InlineData("organisationId", "\"6f9619ff-8b86-d011-b42d-00cf4fc964ff\"", 400)]
    public async Task Bad_input_is_refused_naming_the_field_and_nothing_is_stored(string field, string json, int status)
    {
        var maintainer = await hub.ClientForAsync(Demo.Pathways);
        var body = NewService("Invalid " + field + json.Length, Demo.Camp1);
        body[field] = json == "\"LONG\"" ? new string('x', 5000) : JsonNode.Parse(json);

        var response = await maintainer.PostAsJsonAsync("/api/v1/directory/services", body);
        var problem = await response.JsonAsync();
        var all = await maintainer.GetItemsAsync("/api/v1/directory/services");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith(field, StringComparison.Ordinal));
        Assert.DoesNotContain(all.EnumerateArray(), s => s.GetProperty("name").GetString() == body["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_retired_service_leaves_the_pathway_and_cannot_be_put_on_one()
    {
        var maintainer = await hub.ClientForAsync(Demo.Pathways);
        var id = (await (await maintainer.PostAsJsonAsync("/api/v1/directory/services", NewService("Short-lived desk", Demo.District))).JsonAsync()).GetProperty("id").GetString()!;

        var retired = await maintainer.PostAsJsonAsync($"/api/v1/directory/services/{id}/retire", new { version = 1 });
        var pathway = await maintainer.GetJsonAsync($"/api/v1/directory/pathways/{DemoIdsForEditing.LegalPathway}");
        var ids = pathway.GetProperty("serviceIds").EnumerateArray().Select(e => e.GetString()).Append(id).ToArray();
        var onPathway = await maintainer.PutAsJsonAsync($"/api/v1/directory/pathways/{DemoIdsForEditing.LegalPathway}",
            new { serviceIds = ids, version = pathway.GetProperty("version").GetInt64() });
        var query = await maintainer.GetJsonAsync("/api/v1/pathways?area=demo-district&serviceType=legal-support");

        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, onPathway.StatusCode);
        Assert.True((await onPathway.JsonAsync()).GetProperty("errors").TryGetProperty($"serviceIds[{ids.Length - 1}]", out _));
        Assert.DoesNotContain(id, query.GetProperty("services").Strings("id"));
    }
}

internal static class DemoIdsForEditing
{
    public static readonly string AgencyBFocused = ReferralHub.Directory.Seeding.DemoDirectorySeeder.ServiceId("agency-b", "focused-non-specialised-mhpss").ToString();
    public static readonly string AgencyFClinic = ReferralHub.Directory.Seeding.DemoDirectorySeeder.ServiceId("agency-f", "medical").ToString();
    public static readonly string LegalPathway = ReferralHub.Directory.Seeding.DemoDirectorySeeder.IdFor("pathway:demo-district:legal-support").ToString();
}
