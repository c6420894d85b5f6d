using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using ReferralHub.Fhir.Web;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// JSON Patch (RFC 6902, <c>application/json-patch+json</c>, what fhir-kit-client's <c>patch()</c> sends) on a Task, next
/// to FHIRPath Patch and with the same reach: the elements a Task answer is made of (status, statusReason,
/// executionPeriod, output, and anything inside them). The operations are applied to the Task's JSON as the caller
/// sees it, and the result is parsed with the strict engine, so a value of the wrong shape is a 400 like any FHIR body.
/// A path elsewhere, <c>move</c> or <c>copy</c> is a 422 naming the element; a failed <c>test</c> is a 422 too.
/// </summary>
internal static class TaskJsonPatch
{
    public const string MediaType = "application/json-patch+json";

    /// <summary>The Task elements an answer changes (the same as FHIRPath Patch's, see <see cref="FhirPathPatch"/>).</summary>
    private static readonly string[] Editable = ["status", "statusReason", "executionPeriod", "output"];

    public static FhirTask Apply(FhirTask task, string body)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            throw FhirException.Of(400, OperationOutcome.IssueType.Structure, "The body is not valid JSON.");
        }
        if (document is not JsonArray operations || operations.Count == 0)
            throw FhirException.Invalid("$", "A JSON Patch (RFC 6902) is a non-empty array of operations.");

        var target = JsonNode.Parse(FhirJson.Serialize(task))!.AsObject();
        for (var i = 0; i < operations.Count; i++)
        {
            var at = $"$[{i}]";
            if (operations[i] is not JsonObject operation) throw FhirException.Invalid(at, "Each operation is an object with op and path.");
            var op = Text(operation, "op") ?? throw FhirException.Invalid($"{at}.op", "Required: add, remove, replace or test.");
            var pointer = Text(operation, "path") ?? throw FhirException.Invalid($"{at}.path", "Required: a JSON Pointer into the Task, e.g. /status.");
            var path = Segments(pointer, $"{at}.path");
            var element = Element(path);
            if (path.Count == 0 || !Editable.Contains(path[0]))
                throw FhirException.Of(422, OperationOutcome.IssueType.NotSupported,
                    $"JSON Patch on {element} is not supported: status, statusReason, executionPeriod and output (and inside them).", element);
            switch (op)
            {
                case "add":
                    Add(target, path, Value(operation, at), element);
                    break;
                case "replace":
                    _ = Find(target, path, element);
                    Remove(target, path, element);
                    Add(target, path, Value(operation, at), element);
                    break;
                case "remove":
                    Remove(target, path, element);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Find(target, path, element), Value(operation, at)))
                        throw FhirException.Of(422, OperationOutcome.IssueType.Processing, $"Test failed: {element} does not have the given value.", element);
                    break;
                case "move" or "copy":
                    throw FhirException.Of(422, OperationOutcome.IssueType.NotSupported, $"JSON Patch '{op}' is not supported on a Task: use add, remove, replace, test.", element);
                default:
                    throw FhirException.Invalid($"{at}.op", $"'{op}' is not a JSON Patch operation: add, remove, replace, test.");
            }
        }
        // The patched Task must still be valid FHIR R4: the strict engine names any element of the wrong shape (400).
        return (FhirTask)FhirJson.Parse(target.ToJsonString());
    }

    private static string? Text(JsonObject operation, string name) =>
        operation[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonNode? Value(JsonObject operation, string at) =>
        operation.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw FhirException.Invalid($"{at}.value", "Required for add, replace and test.");

    /// <summary>RFC 6901: "/a/b~1c" → ["a", "b/c"].</summary>
    private static List<string> Segments(string pointer, string at)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw FhirException.Invalid(at, $"'{pointer}' is not a JSON Pointer (it starts with /).");
        return [.. pointer[1..].Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    /// <summary>The FHIR element a pointer names, for OperationOutcome.issue.expression: /output/0/value → Task.output[0].value.</summary>
    private static string Element(List<string> path) =>
        "Task" + string.Concat(path.Select(s => int.TryParse(s, out var n) ? $"[{n}]" : s == "-" ? "[new]" : "." + s));

    private static JsonNode Find(JsonNode root, List<string> path, string element)
    {
        var node = root;
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(segment, out var child) && child is not null => child,
                JsonArray a when int.TryParse(segment, out var n) && n >= 0 && n < a.Count && a[n] is { } item => item,
                _ => throw FhirException.Of(422, OperationOutcome.IssueType.Processing, $"{element} does not exist in the Task.", element),
            };
        }
        return node;
    }

    private static void Add(JsonObject root, List<string> path, JsonNode? value, string element)
    {
        var parent = Find(root, path[..^1], element);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var n) && n >= 0 && n <= a.Count:
                a.Insert(n, value);
                break;
            default:
                throw FhirException.Of(422, OperationOutcome.IssueType.Processing, $"Cannot add at {element}.", element);
        }
    }

    private static void Remove(JsonObject root, List<string> path, string element)
    {
        var parent = Find(root, path[..^1], element);
        var last = path[^1];
        var removed = parent switch
        {
            JsonObject o => o.Remove(last),
            JsonArray a when int.TryParse(last, out var n) && n >= 0 && n < a.Count => RemoveAt(a, n),
            _ => false,
        };
        if (!removed) throw FhirException.Of(422, OperationOutcome.IssueType.Processing, $"{element} does not exist in the Task.", element);
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }
}
