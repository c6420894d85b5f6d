using System.Text.Json.Nodes;
using ReferralHub.Host.Tests.Hostile;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Conventions;

/// <summary>
/// The OpenAPI document describes every answer of every <c>/api/v1</c> operation, so a client generated from it can
/// read them (docs/api-conventions.md): a success response with a schema (or 204 / a file), and problem responses
/// (at least 400 and 401, 404 where the path names something) whose body is <c>application/problem+json</c> with a schema,
/// and a unique operationId (the method name a generated client gives it).
/// </summary>
public sealed class OpenApiDocumentTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Every_api_operation_declares_a_typed_success_and_its_problems()
    {
        var (operations, document) = await OpenApiOperations.ReadAsync(hub);
        var api = operations.Where(o => o.Template.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        Assert.True(api.Count > 50, $"the document lists the API ({api.Count} operations)");

        var missing = new List<string>();
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in api)
        {
            var responses = document["paths"]![operation.Template]![operation.Method.ToLowerInvariant()]!["responses"]?.AsObject();
            if (responses is null) { missing.Add($"{operation}: no responses"); continue; }

            var operationId = document["paths"]![operation.Template]![operation.Method.ToLowerInvariant()]!["operationId"]?.GetValue<string>();
            if (string.IsNullOrEmpty(operationId)) missing.Add($"{operation}: no operationId (name it: .WithName(\"VerbNoun\"); a generated client's method name)");
            else if (!operationIds.Add(operationId)) missing.Add($"{operation}: operationId {operationId} is used twice");

            var successes = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (successes.Count == 0) missing.Add($"{operation}: no 2xx");
            foreach (var (status, response) in successes)
                if (status != "204" && !HasSchema(response, json: true)) missing.Add($"{operation}: {status} without a schema");

            if (!responses.ContainsKey("400")) missing.Add($"{operation}: no 400");
            if (!responses.ContainsKey("401")) missing.Add($"{operation}: no 401 (every /api/v1 operation needs a token)");
            if (operation.Template.Contains('{') && !responses.ContainsKey("404")) missing.Add($"{operation}: names something but no 404");
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                if (!HasSchema(response, json: false)) missing.Add($"{operation}: {status} without a problem schema");
        }

        Assert.True(missing.Count == 0, $"{missing.Count} gaps in /openapi/v1.json:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public async Task Every_fhir_and_hsds_operation_has_a_unique_operation_id()
    {
        var (operations, document) = await OpenApiOperations.ReadAsync(hub);
        var facades = operations.Where(o => o.Template.StartsWith("/fhir", StringComparison.Ordinal) || o.Template.StartsWith("/hsds", StringComparison.Ordinal)).ToList();
        Assert.True(facades.Count > 30, $"the document lists the FHIR and HSDS operations ({facades.Count})");

        var all = operations.Select(o => document["paths"]![o.Template]![o.Method.ToLowerInvariant()]!["operationId"]?.GetValue<string>()).OfType<string>().ToList();
        var missing = facades.Where(o => string.IsNullOrEmpty(document["paths"]![o.Template]![o.Method.ToLowerInvariant()]!["operationId"]?.GetValue<string>()))
            .Select(o => o.ToString()).ToList();
        Assert.True(missing.Count == 0, $"without an operationId (.WithName(\"FhirVerbResource\") / \"HsdsVerbThing\"):\n{string.Join("\n", missing)}");
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>A body with a schema: JSON for a success (or a file type), <c>application/problem+json</c> for a problem.</summary>
    private static bool HasSchema(JsonNode? response, bool json)
    {
        if (response?["content"] is not JsonObject content || content.Count == 0) return false;
        return content.Any(c => c.Value?["schema"] is not null
            && (json ? c.Key.Contains("json", StringComparison.Ordinal) || !c.Key.StartsWith("text/", StringComparison.Ordinal) : c.Key == "application/problem+json"));
    }
}
