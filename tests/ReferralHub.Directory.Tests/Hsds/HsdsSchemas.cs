using System.Text.Json;
using Json.Schema;

namespace ReferralHub.Directory.Tests.Hsds;

/// <summary>
/// The official Open Referral HSDS 3.0 JSON schemas, vendored unchanged in Schemas/ (source and licence: Schemas/SOURCE.md).
/// They are loaded under the address the HSDS OpenAPI file uses for them, so their relative $refs resolve to the vendored copies;
/// nothing is downloaded. <c>format</c> is asserted (uuid, uri, email, date-time): HSDS types ids as UUIDs.
/// </summary>
public static class HsdsSchemas
{
    public static readonly Uri Base = new("https://raw.githubusercontent.com/openreferral/specification/3.0/schema/");

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Hsds", "Schemas");

    private static readonly Lazy<BuildOptions> Options = new(() =>
    {
        var registry = new SchemaRegistry();
        // HSDS 3.0 schemas are JSON Schema 2020-12 (the OpenAPI file's jsonSchemaDialect) with extra annotation keywords (name, constraints, core).
        var options = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };
        registry.Fetch = (uri, _) =>
        {
            var relative = Base.MakeRelativeUri(new Uri(uri.GetLeftPart(UriPartial.Path))).ToString();
            var file = Path.Combine(Folder, relative.Replace('/', Path.DirectorySeparatorChar));
            if (relative.StartsWith("..", StringComparison.Ordinal) || !File.Exists(file))
                throw new InvalidOperationException($"{uri} is not one of the vendored HSDS schemas");
            return JsonSchema.FromText(File.ReadAllText(file), options, new Uri(Base, relative));
        };
        return options;
    });

    private static readonly Dictionary<string, JsonSchema> Built = [];

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    public static JsonSchema Schema(string file)
    {
        lock (Built)
        {
            if (!Built.TryGetValue(file, out var schema))
                Built[file] = schema = (JsonSchema)Options.Value.SchemaRegistry.Get(new Uri(Base, file))!;
            return schema;
        }
    }

    /// <summary>Every failure, as "instance path: message", empty when valid.</summary>
    public static IReadOnlyList<string> Errors(JsonElement instance, string file)
    {
        var result = Schema(file).Evaluate(instance, Evaluation);
        if (result.IsValid) return [];
        return [.. (result.Details ?? [result]).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key} {e.Value} ({d.SchemaLocation})"))
            .DefaultIfEmpty("invalid (no detail)")];
    }

    /// <summary>Fails naming every error, so a test failure shows the field and the rule.</summary>
    public static void AssertValid(JsonElement instance, string file, string what)
    {
        var errors = Errors(instance, file);
        Assert.True(errors.Count == 0, $"{what} is not valid against HSDS 3.0 {file}:\n" + string.Join("\n", errors.Take(20)));
    }
}
