using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralHub.Testing.Hub;
using Xunit.Abstractions;

namespace ReferralHub.Host.Tests.Hostile;

/// <summary>
/// Every operation of <c>/openapi/v1.json</c> × a compact corpus of what a careless or hostile client sends (malformed,
/// deeply nested and oversized JSON, wrong types, nulls, long strings, NUL and bidi characters, lone surrogates, huge
/// numbers, unknown fields, injection strings, wrong content types and charsets, empty bodies, bad path and query
/// values). Each answer must be below 500; a refusal must be problem details naming a field (an OperationOutcome under
/// /fhir) and must not carry a long value back. The caller holds every role (<see cref="OpenApiOperations.AllRolesClient"/>)
/// so the probes reach the input checks behind the permission checks. New operations are probed without listing them.
/// </summary>
/// On a real Kestrel socket: the FHIR facade calls the REST APIs over HTTP, and Kestrel's own refusals are part of the answer.
public sealed class BadInputTests(KestrelHubFactory hub, ITestOutputHelper output) : IClassFixture<KestrelHubFactory>
{
    /// <summary>A value long enough that an echo is unmistakable, short enough not to trip the body limit.</summary>
    private static readonly string Marker = "MARK" + new string('x', 20_000);
    private static readonly string EchoProbe = new('x', 40);

    private delegate HttpContent? BodyCase(ApiOperation operation);

    private static readonly (string Name, BodyCase Body)[] BodyCases =
    [
        ("malformed-json", _ => Json("{\"a\":")),
        ("deeply-nested", _ => Json(string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + new string('}', 2_000))),
        ("top-level-array", _ => Json("[1,2,3]")),
        ("wrong-types", op => Json(Text(Fill(op.BodySchema, WrongType)))),
        ("nulls", op => Json(Text(Fill(op.BodySchema, (_, _) => null)))),
        ("long-strings", op => Json(Text(Fill(op.BodySchema, (type, _) => type == "string" ? JsonValue.Create(Marker) : Plausible(type))))),
        ("nul-and-bidi", op => Json(Text(Fill(op.BodySchema, (type, _) => type == "string" ? JsonValue.Create("a\u0000b\u202Ec\u0007d") : Plausible(type))))),
        ("lone-surrogate", op => Json(Text(Fill(op.BodySchema, (type, _) => type == "string" ? JsonValue.Create("SURROGATE") : Plausible(type))).Replace("SURROGATE", "\\ud800x"))),
        ("huge-numbers", op => Json(Text(Fill(op.BodySchema, (type, _) => type is "integer" or "number" ? JsonValue.Create("HUGE") : Plausible(type))).Replace("\"HUGE\"", "-1e400"))),
        ("negative-numbers", op => Json(Text(Fill(op.BodySchema, (type, _) => type is "integer" or "number" ? JsonValue.Create(-2147483648L) : Plausible(type))))),
        ("unknown-fields", _ => Json("{\"unknownField\":1,\"__proto__\":{\"admin\":true},\"$type\":\"System.Object\"}")),
        ("injection", op => Json(Text(Fill(op.BodySchema, Injection)))),
        ("long-lists", op => Json(Text(Fill(op.BodySchema, (type, _) => type == "array" ? new JsonArray([.. Enumerable.Range(0, 10_000).Select(_ => (JsonNode?)"a")]) : Plausible(type))))),
        ("empty-body", _ => Json("")),
        ("text-plain", _ => new StringContent("hello", Encoding.UTF8, "text/plain")),
        ("unknown-charset", _ => WithType("{}", "application/json; charset=klingon")),
        ("over-the-limit", _ => Json("{\"x\":\"" + new string('y', 300 * 1024) + "\"}")),
    ];

    private static readonly string[] Injections = ["'; DROP TABLE referrals;--", "<script>alert(1)</script>", "../../etc/passwd", "${jndi:ldap://x}", "{{7*7}}"];

    private static readonly (string Name, string Value)[] ParameterCases =
    [
        ("not-a-guid", "not-a-guid"),
        ("control-character", "a\u0001b"),
        ("bidi-override", "a\u202Eb"),
        ("negative", "-1"),
        ("huge-number", "99999999999999999999999"),
        ("long-value", new string('z', 2_000)),
        ("injection", "' OR 1=1 --"),
    ];

    [Fact]
    public async Task No_body_a_client_sends_gets_a_5xx_an_unnamed_refusal_or_its_value_back()
    {
        var (operations, _) = await OpenApiOperations.ReadAsync(hub);
        var client = OpenApiOperations.AllRolesClient(hub);
        var failures = new List<string>();
        var calls = 0;
        foreach (var operation in operations.Where(o => o.TakesBody))
            foreach (var (name, body) in BodyCases)
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), operation.PathWith(OpenApiOperations.PlausibleValue)) { Content = body(operation) };
                await CheckAsync(client, request, operation, name, failures);
                calls++;
            }
        output.WriteLine($"{calls} calls over {operations.Count(o => o.TakesBody)} operations with a body");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} answers were wrong:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task No_path_or_query_value_gets_a_5xx_an_unnamed_refusal_or_its_value_back()
    {
        var (operations, _) = await OpenApiOperations.ReadAsync(hub);
        var client = OpenApiOperations.AllRolesClient(hub);
        var failures = new List<string>();
        var calls = 0;
        foreach (var operation in operations.Where(o => o.Parameters.Count > 0))
            foreach (var (name, value) in ParameterCases)
            {
                var path = operation.PathWith((_, _) => value);
                var query = string.Join("&", operation.Parameters.Where(p => p.In == "query").Select(p => $"{p.Name}={Uri.EscapeDataString(value)}"));
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), query.Length > 0 ? $"{path}?{query}" : path);
                if (operation.TakesBody) request.Content = Json("{}");
                await CheckAsync(client, request, operation, name, failures);
                calls++;
            }
        output.WriteLine($"{calls} calls over {operations.Count(o => o.Parameters.Count > 0)} operations with parameters");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} answers were wrong:\n{string.Join("\n", failures)}");
    }

    private static async Task CheckAsync(HttpClient client, HttpRequestMessage request, ApiOperation operation, string probe, List<string> failures)
    {
        var what = $"{operation.Key} × {probe}";
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        if (status >= 500) { failures.Add($"{what}: {status}"); return; }
        if (status < 400) return;
        if (text.Contains(EchoProbe, StringComparison.Ordinal)) failures.Add($"{what}: {status} carries the long value back");

        var fhir = operation.Template.StartsWith("/fhir", StringComparison.Ordinal);
        JsonNode? body;
        try { body = JsonNode.Parse(text); }
        catch (JsonException) { failures.Add($"{what}: {status} with a body that is not JSON ({response.Content.Headers.ContentType})"); return; }
        if (fhir)
        {
            if (body?["resourceType"]?.GetValue<string>() != "OperationOutcome" || body["issue"] is not JsonArray { Count: > 0 })
                failures.Add($"{what}: {status} is not an OperationOutcome");
            return;
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || body?["status"]?.GetValue<int>() != status)
        {
            failures.Add($"{what}: {status} is not problem details ({response.Content.Headers.ContentType})");
            return;
        }
        // A refusal of the input itself names what was wrong with it.
        if (status is 400 or 413 or 415 or 422 && body["errors"] is not JsonObject { Count: > 0 })
            failures.Add($"{what}: {status} names no field ({Excerpt(text)})");
    }

    private static string Excerpt(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static HttpContent WithType(string body, string type, string? raw = null)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (raw is null) content.Headers.TryAddWithoutValidation("Content-Type", type);
        else content.Headers.TryAddWithoutValidation("Content-Type", raw);
        return content;
    }

    /// <summary>An object with every property of the body's schema set by <paramref name="value"/> (type, index).</summary>
    private static JsonNode? Fill(JsonNode? schema, Func<string?, int, JsonNode?> value)
    {
        if (schema?["properties"] is not JsonObject properties) return new JsonObject { ["value"] = value("string", 0) };
        var result = new JsonObject();
        var i = 0;
        foreach (var (name, property) in properties)
        {
            var type = OpenApiOperations.TypeOf(property);
            // An array of strings gets the string value as its element, so bounds on list items are probed too.
            var itemType = type == "array" ? OpenApiOperations.TypeOf(property?["items"]) : null;
            var filled = value(type, i);
            if (type == "array" && itemType == "string" && filled is JsonArray { Count: 0 } && value("string", i) is JsonValue element)
                filled = new JsonArray(element);
            result[name] = filled;
            i++;
        }
        return result;
    }

    private static JsonNode? WrongType(string? type, int _) => type switch
    {
        "string" => 12345,
        "integer" or "number" => "twelve",
        "boolean" => "yes",
        "array" => new JsonObject { ["not"] = "a list" },
        "object" => new JsonArray(1, 2),
        _ => new JsonArray(),
    };

    private static JsonNode? Injection(string? type, int index) => type == "string" ? (JsonNode)Injections[index % Injections.Length] : Plausible(type);

    private static JsonNode? Plausible(string? type) => type switch
    {
        "string" => "probe",
        "integer" or "number" => 1,
        "boolean" => true,
        "array" => new JsonArray(),
        _ => null,
    };
}
