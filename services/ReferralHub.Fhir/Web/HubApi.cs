using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ReferralHub.Fhir.Web;

/// <summary>
/// Where the facade reaches the hub's REST APIs: <c>Fhir:ApiBaseUrl</c> (the gateway, when the facade runs apart), or,
/// inside the embedded host, the host's own address (as the portal does, HubApi/PortalUserTokens.cs).
/// </summary>
public sealed class FhirApiAddress(IConfiguration configuration, IServer server)
{
    private Uri? _resolved;

    public Uri BaseAddress => _resolved ??= Resolve();

    private Uri Resolve()
    {
        if (configuration["Fhir:ApiBaseUrl"] is { Length: > 0 } configured) return new Uri(configured.TrimEnd('/') + "/");
        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Set Fhir:ApiBaseUrl: the FHIR facade cannot tell where the hub's APIs are.");
        // A wildcard listen address is not somewhere to connect to: use loopback.
        own = own.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://localhost", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(own.TrimEnd('/') + "/");
    }
}

/// <summary>
/// The hub's REST APIs called AS THE CALLER: the caller's own bearer token is forwarded, so the owning service applies
/// every rule (roles, agency scoping, need-to-know, lifecycle) exactly as for a REST client. Non-success answers become
/// OperationOutcomes with the same HTTP status.
/// </summary>
public sealed class HubApi(HttpClient http, IHttpContextAccessor context, FhirApiAddress address, ILogger<HubApi> logger)
{
    public const string ClientName = "referralhub-fhir-api";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>
    /// Every item of a hub list (<c>{items, nextCursor}</c>), following cursors up to a bound: the directory's areas and
    /// organisations, which a FHIR search filters and pages itself.
    /// </summary>
    public async Task<List<T>> GetAllAsync<TPage, T>(string path, CancellationToken cancellationToken, int maxPages = 20)
        where TPage : ReferralHub.Wire.IPage<T>
    {
        var all = new List<T>();
        string? cursor = null;
        for (var page = 0; page < maxPages; page++)
        {
            var url = path + (cursor is null ? "" : (path.Contains('?') ? "&" : "?") + "cursor=" + Uri.EscapeDataString(cursor));
            var body = await GetAsync<TPage>(url, cancellationToken);
            all.AddRange(body.Items);
            if ((cursor = body.NextCursor) is null) break;
        }
        return all;
    }

    /// <summary>Null when the resource does not exist for this caller (404), so searches can skip it.</summary>
    public async Task<T?> TryGetAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken, throwOnError: false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        await ThrowIfErrorAsync(response, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);
    }

    public Task<(T Body, int Status)> PostAsync<T>(string path, object body, CancellationToken cancellationToken, IDictionary<string, string>? headers = null) =>
        SendJsonAsync<T>(HttpMethod.Post, path, body, cancellationToken, headers);

    public async Task<(T Body, int Status)> SendJsonAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken, IDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await SendAsync(request, cancellationToken);
        return (await ReadAsync<T>(response, cancellationToken), (int)response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool throwOnError = true)
    {
        request.RequestUri = new Uri(address.BaseAddress, request.RequestUri!.OriginalString.TrimStart('/'));
        if (context.HttpContext?.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization
            && AuthenticationHeaderValue.TryParse(authorization, out var header))
            request.Headers.Authorization = header;
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Hub API call {Method} {Path} failed: {Error}", request.Method, request.RequestUri.AbsolutePath, ex.Message);
            throw FhirException.Of(503, OperationOutcome.IssueType.Transient, "A hub service did not answer; retry.");
        }
        finally
        {
            request.Dispose();
        }
        if (throwOnError)
        {
            try
            {
                await ThrowIfErrorAsync(response, cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        return response;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
        ?? throw FhirException.Of(502, OperationOutcome.IssueType.Exception, "A hub service answered without a body.");

    /// <summary>RFC 9457 problem details from a service → an OperationOutcome with the same status, naming the fields.</summary>
    private static async Task ThrowIfErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = (int)response.StatusCode;
        var outcome = new OperationOutcome();
        string? title = null, detail = null;
        var fieldErrors = new List<(string Field, string Message)>();
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            if (problem.ValueKind == JsonValueKind.Object)
            {
                if (problem.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) title = t.GetString();
                if (problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) detail = d.GetString();
                if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                    foreach (var field in errors.EnumerateObject())
                        foreach (var message in field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(m => m.ToString()) : [field.Value.ToString()])
                            fieldErrors.Add((field.Name, message));
            }
        }
        catch (JsonException)
        {
            // Not a problem document (e.g. an empty 401/403): the status alone says it.
        }
        catch (NotSupportedException)
        {
        }
        var code = Outcomes.IssueFor(status);
        if (fieldErrors.Count > 0)
        {
            foreach (var (field, message) in fieldErrors)
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = code,
                    Diagnostics = $"{field}: {message}",
                });
        }
        else
        {
            var text = string.Join(" ", new[] { title, detail }.Where(s => !string.IsNullOrWhiteSpace(s)));
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = code,
                Diagnostics = text.Length > 0 ? text : DefaultText(status),
            });
        }
        throw new FhirException(status, outcome);
    }

    private static string DefaultText(int status) => status switch
    {
        401 => "A valid bearer token is required.",
        403 => "The token's roles do not allow this.",
        404 => "Not found.",
        _ => $"The hub answered {status}.",
    };
}
