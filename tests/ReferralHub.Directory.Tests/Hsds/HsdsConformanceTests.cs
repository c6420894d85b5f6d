using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace ReferralHub.Directory.Tests.Hsds;

/// <summary>
/// Every HSDS endpoint's records against the official HSDS 3.0 schemas (not our own expectations): each list walked to
/// its last page, each item against the list schema the HSDS OpenAPI file names, and every id a list returns fetched
/// from its /{id} endpoint and checked against the entity schema.
/// </summary>
public sealed class HsdsConformanceTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    /// <summary>A schema the HSDS OpenAPI file defines inline (the meta response, the Page envelope).</summary>
    private static JsonSchema FromOpenApi(params string[] path)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Hsds", "Schemas", "openapi.json")))!;
        foreach (var step in path) node = node[step]!;
        return JsonSchema.FromText(node.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 }, new Uri(HsdsSchemas.Base, "openapi.json#/" + string.Join('/', path)));
    }

    private static void AssertValid(JsonSchema schema, JsonElement instance, string what)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.True(result.IsValid, $"{what}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}"))));
    }

    /// <summary>Walks every page of a list, checking the envelope against HSDS's Page schema and each item against <paramref name="itemSchema"/>.</summary>
    private static async Task<List<JsonElement>> WalkAsync(HttpClient client, string url, string itemSchema)
    {
        var page = FromOpenApi("components", "schemas", "Page");
        var items = new List<JsonElement>();
        for (var number = 1; ; number++)
        {
            var envelope = await client.GetJsonAsync($"{url}{(url.Contains('?') ? '&' : '?')}per_page=20&page={number}");
            AssertValid(page, envelope, $"{url} page {number} envelope");
            foreach (var item in envelope.GetProperty("contents").EnumerateArray())
            {
                HsdsSchemas.AssertValid(item, itemSchema, $"{url} item {item.GetProperty("id")}");
                items.Add(item);
            }
            if (envelope.GetProperty("last_page").GetBoolean()) break;
        }
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("id").GetString()).Distinct().Count());
        return items;
    }

    [Fact]
    public async Task The_meta_record_is_valid_and_its_openapi_url_is_absolute_and_answers()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var meta = await client.GetJsonAsync("/hsds/");
        var openapi = await client.GetAsync(meta.GetProperty("openapi_url").GetString());

        AssertValid(FromOpenApi("paths", "/", "get", "responses", "200", "content", "application/json", "schema"), meta, "/hsds/");
        Assert.True(Uri.IsWellFormedUriString(meta.GetProperty("openapi_url").GetString(), UriKind.Absolute));
        Assert.Equal(HttpStatusCode.OK, openapi.StatusCode);
    }

    [Fact]
    public async Task Every_service_is_valid_in_the_list_and_fully_nested()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var services = await WalkAsync(client, "/hsds/services", "compiled/service_list.json");
        await WalkAsync(client, "/hsds/services?full=true", "compiled/service_list.json");

        Assert.Equal(30, services.Count);
        foreach (var id in services.Select(s => s.GetProperty("id").GetString()))
            HsdsSchemas.AssertValid(await client.GetJsonAsync($"/hsds/services/{id}"), "service.json", $"/hsds/services/{id}");
    }

    [Fact]
    public async Task Every_organization_is_valid_in_the_list_and_fully_nested()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var organizations = await WalkAsync(client, "/hsds/organizations", "compiled/organization_list.json");
        await WalkAsync(client, "/hsds/organizations?full=true&full_service=true", "compiled/organization_list.json");

        Assert.Equal(8, organizations.Count);
        foreach (var id in organizations.Select(o => o.GetProperty("id").GetString()))
        {
            HsdsSchemas.AssertValid(await client.GetJsonAsync($"/hsds/organizations/{id}"), "organization.json", $"/hsds/organizations/{id}");
            HsdsSchemas.AssertValid(await client.GetJsonAsync($"/hsds/organizations/{id}?full_service=true"), "organization.json", $"/hsds/organizations/{id}?full_service=true");
        }
    }

    [Fact]
    public async Task Every_service_at_location_listed_answers_on_its_own_and_is_valid()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var rows = await WalkAsync(client, "/hsds/service_at_locations?full=true", "compiled/service_at_location_list.json");

        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var id = row.GetProperty("id").GetString();
            var single = await client.GetJsonAsync($"/hsds/service_at_locations/{id}");
            // The HSDS 3.0 OpenAPI file names compiled/service.json for this endpoint, but describes a service_at_location:
            // the record is checked against service_at_location.json (docs/hsds.md).
            HsdsSchemas.AssertValid(single, "service_at_location.json", $"/hsds/service_at_locations/{id}");
            Assert.Equal(row.GetProperty("service_id").GetString(), single.GetProperty("service_id").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/hsds/service_at_locations/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Every_taxonomy_and_term_is_valid_and_answers_on_its_own()
    {
        var client = await hub.ClientForAsync(Demo.AgencyA);

        var taxonomies = await WalkAsync(client, "/hsds/taxonomies", "taxonomy.json");
        var terms = await WalkAsync(client, "/hsds/taxonomy_terms", "taxonomy_term.json");

        Assert.Equal(4, taxonomies.Count);
        foreach (var id in taxonomies.Select(t => t.GetProperty("id").GetString()))
            HsdsSchemas.AssertValid(await client.GetJsonAsync($"/hsds/taxonomies/{id}"), "taxonomy.json", $"/hsds/taxonomies/{id}");
        foreach (var id in terms.Select(t => t.GetProperty("id").GetString()))
            HsdsSchemas.AssertValid(await client.GetJsonAsync($"/hsds/taxonomy_terms/{id}"), "taxonomy_term.json", $"/hsds/taxonomy_terms/{id}");
        Assert.All(terms, t => Assert.Contains(t.GetProperty("taxonomy_id").GetString(), taxonomies.Select(x => x.GetProperty("id").GetString())));
    }

    [Fact]
    public async Task The_directory_export_records_are_valid_HSDS()
    {
        var client = await hub.ClientForAsync(Demo.Coordinator);

        var export = await client.GetJsonAsync("/api/v1/directory/export");

        foreach (var o in export.GetProperty("organizations").EnumerateArray()) HsdsSchemas.AssertValid(o, "organization.json", $"export organization {o.GetProperty("id")}");
        foreach (var s in export.GetProperty("services").EnumerateArray()) HsdsSchemas.AssertValid(s, "service.json", $"export service {s.GetProperty("id")}");
        foreach (var t in export.GetProperty("taxonomy_terms").EnumerateArray()) HsdsSchemas.AssertValid(t, "taxonomy_term.json", $"export term {t.GetProperty("id")}");
    }

    [Fact]
    public async Task The_schemas_catch_what_the_hub_used_to_serve()
    {
        // Guards the guard: without format assertion a non-UUID id or a relative URI would pass unnoticed.
        var term = JsonDocument.Parse("""{"id":"referralhub-service-types:gbv-survivor-support","name":"GBV survivor support"}""").RootElement;
        var meta = JsonDocument.Parse("""{"version":"3.0","openapi_url":"/openapi/v1.json"}""").RootElement;

        var service = JsonDocument.Parse("""{"id":"ac148810-d857-441c-9679-408f346de14b","name":"x","status":"active","contacts":[{"id":"focal-1"}]}""").RootElement;

        var errors = HsdsSchemas.Errors(term, "taxonomy_term.json");

        Assert.Contains(errors, e => e.Contains("format", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("required", StringComparison.Ordinal));
        Assert.Contains(HsdsSchemas.Errors(service, "service.json"), e => e.StartsWith("/contacts/0/id", StringComparison.Ordinal)); // through contact.json's $ref
        Assert.False(FromOpenApi("paths", "/", "get", "responses", "200", "content", "application/json", "schema")
            .Evaluate(meta, new EvaluationOptions { RequireFormatValidation = true }).IsValid);
    }
}
