using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Hostile;

/// <summary>One operation of the hub's OpenAPI document, with what a probe needs to call it.</summary>
public sealed record ApiOperation(string Method, string Template, IReadOnlyList<(string Name, string In, JsonNode? Schema)> Parameters, JsonNode? BodySchema)
{
    public string Key => $"{Method} {Template}";

    public bool TakesBody => BodySchema is not null || Method is "POST" or "PUT" or "PATCH";

    /// <summary>The path with every parameter replaced by <paramref name="valueFor"/>'s answer (URL-escaped).</summary>
    public string PathWith(Func<string, JsonNode?, string> valueFor)
    {
        var path = Template;
        foreach (var (name, where, schema) in Parameters.Where(p => p.In == "path"))
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(valueFor(name, schema)), StringComparison.Ordinal);
        return path;
    }

    public override string ToString() => Key;
}

/// <summary>Reads <c>/openapi/v1.json</c> from a running hub: every operation is a probe target, none is listed by hand.</summary>
public static class OpenApiOperations
{
    public static async Task<(IReadOnlyList<ApiOperation> Operations, JsonNode Document)> ReadAsync(EmbeddedHubFactory hub)
    {
        var document = JsonNode.Parse(await hub.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operations = new List<ApiOperation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                var parameters = (operation!["parameters"]?.AsArray() ?? [])
                    .Select(p => (p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), Resolve(document, p["schema"])))
                    .ToList();
                var body = Resolve(document, operation["requestBody"]?["content"]?.AsObject().FirstOrDefault().Value?["schema"]);
                operations.Add(new ApiOperation(method.ToUpperInvariant(), template, parameters, body));
            }
        return (operations, document);
    }

    public static JsonNode? Resolve(JsonNode document, JsonNode? schema)
    {
        for (var i = 0; i < 10 && schema?["$ref"] is { } reference; i++)
            schema = document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]];
        return schema;
    }

    /// <summary>The schema's main type ("string", "integer", "array", …), ignoring "null".</summary>
    public static string? TypeOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonValue single => single.GetValue<string>(),
        JsonArray many => many.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
        _ => schema?["properties"] is not null ? "object" : null,
    };

    /// <summary>
    /// A token that carries every role (and a pathway maintainer's area) for an agency that owns nothing: the probe
    /// gets past role checks to the input checks behind them. Signed with the hub's own key, as TokenTests shows is sound.
    /// </summary>
    public static HttpClient AllRolesClient(EmbeddedHubFactory hub, string agency = "agency-probe")
    {
        var key = hub.Services.GetRequiredService<HubSigningKey>().Key;
        var claims = new List<Claim> { new("sub", "hostile-probe"), new("agency", agency), new("area", "demo-district") };
        claims.AddRange(Roles.All.Select(r => new Claim("role", r)));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost:5080/",
            Audience = HubClaims.ApiAudience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A well-formed value for a parameter: a GUID where one is expected, else a short code.</summary>
    public static string PlausibleValue(string name, JsonNode? schema) =>
        (schema?["format"]?.GetValue<string>(), TypeOf(schema)) switch
        {
            ("uuid", _) => Guid.NewGuid().ToString(),
            (_, "integer") or (_, "number") => "1",
            (_, "boolean") => "true",
            ("date-time", _) => "2026-01-01T00:00:00Z",
            ("date", _) => "2026-01-01",
            _ => "probe-1",
        };

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
