using System.Text;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace ReferralHub.Fhir.Web;

/// <summary>
/// FHIR JSON in and out with the SDK's strict engine: a request that is not valid FHIR R4 (unknown elements, wrong
/// types, bad primitives) is a 400 naming where; what we send is exactly what a strict client parser accepts.
/// </summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";
    public const int MaxBodyBytes = 256 * 1024;

    private static readonly IFhirSerializationEngine Engine = FhirSerializationEngineFactory.Strict(ModelInfo.ModelInspector);

    public static string Serialize(Resource resource) => Engine.SerializeToJson(resource);

    public static Resource Parse(string json)
    {
        try
        {
            return Engine.DeserializeFromJson(json) ?? throw FhirException.Invalid("$", "The body is not a FHIR resource.");
        }
        catch (DeserializationFailedException ex)
        {
            var outcome = new OperationOutcome();
            foreach (var error in ex.Exceptions.Take(20))
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = OperationOutcome.IssueType.Structure,
                    // The SDK's messages name the element and position, never echo values beyond the offending token.
                    Diagnostics = error.Message,
                });
            if (outcome.Issue.Count == 0) outcome.Issue.Add(new() { Severity = OperationOutcome.IssueSeverity.Error, Code = OperationOutcome.IssueType.Structure, Diagnostics = "Not valid FHIR R4 JSON." });
            throw new FhirException(400, outcome);
        }
        catch (System.Text.Json.JsonException)
        {
            throw FhirException.Of(400, OperationOutcome.IssueType.Structure, "The body is not valid JSON.");
        }
        catch (Exception ex) when (ex is not (FhirException or OperationCanceledException))
        {
            // The engine reports some malformed input (e.g. a JSON array or string instead of an object) by other
            // exception types; it is still the client's input.
            throw FhirException.Of(400, OperationOutcome.IssueType.Structure, "The body is not valid FHIR R4 JSON.");
        }
    }

    /// <summary>Reads the request body as one FHIR resource of type <typeparamref name="T"/> (415/413/400 otherwise).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken) where T : Resource
    {
        var resource = await ReadAnyAsync(request, cancellationToken);
        return resource as T ?? throw FhirException.Invalid("resourceType", $"Expected a {typeof(T).Name}, got a {resource.TypeName}.");
    }

    public static async Task<Resource> ReadAnyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(request, cancellationToken, "application/fhir+json", "application/json");
        return Parse(text);
    }

    public static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken cancellationToken, params string[] mediaTypes)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim();
        if (contentType is null || !mediaTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
            throw FhirException.Of(415, OperationOutcome.IssueType.NotSupported, $"Send {string.Join(" or ", mediaTypes)}.");
        if (request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes) throw TooLarge();
        }
        try
        {
            return new UTF8Encoding(false, true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw FhirException.Of(400, OperationOutcome.IssueType.Structure, "The body is not UTF-8.");
        }
    }

    private static FhirException TooLarge() => FhirException.Of(413, OperationOutcome.IssueType.TooCostly, $"The body is larger than {MaxBodyBytes} bytes.");
}

/// <summary>Writes a FHIR resource as application/fhir+json with the given status and headers.</summary>
public sealed class FhirResult(Resource resource, int status = 200, string? location = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = FhirJson.MediaType + "; charset=utf-8";
        if (location is not null) response.Headers.Location = location;
        if (resource.Meta?.VersionId is { } version) response.Headers.ETag = $"W/\"{version}\"";
        if (resource.Meta?.LastUpdated is { } updated) response.Headers.LastModified = updated.ToString("R");
        await response.WriteAsync(FhirJson.Serialize(resource), httpContext.RequestAborted);
    }
}
