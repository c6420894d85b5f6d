using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ReferralHub.Portal.HubApi;

/// <summary>
/// A service's answer as a page needs it: the value, or the problem (RFC 9457) with its errors per field, so a form
/// can show each message next to the field it names.
/// </summary>
public sealed record ApiResult<T>(T? Value, HttpStatusCode Status, string? Title, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Ok => (int)Status is >= 200 and < 300 && Value is not null;

    public bool Conflict => Status == HttpStatusCode.Conflict;

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>The same answer with its value turned into another (a problem stays the problem).</summary>
    internal ApiResult<TOut> Map<TOut>(Func<T, TOut> map) => new(Ok ? map(Value!) : default, Status, Title, Errors);

    internal static async Task<ApiResult<T>> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return new(await response.Content.ReadFromJsonAsync<T>(HubApiJson.Options, cancellationToken), response.StatusCode, null, Empty);
        string? title = null;
        var errors = Empty;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (problem.TryGetProperty("title", out var t)) title = t.GetString();
            if (problem.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                errors = e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray(), StringComparer.OrdinalIgnoreCase);
        }
        return new(default, response.StatusCode, title, errors);
    }

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();
}

internal static class HubApiJson
{
    /// <summary>The services' JSON: camelCase names, enums as camelCase strings (e.g. a person's <c>status</c>).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

internal static class ApiPages
{
    /// <summary>
    /// Every page of a list (<c>{ items, nextCursor }</c>, docs/api-conventions.md, Lists), following <c>nextCursor</c> up to a bound (a page lists what a person can read, not a
    /// whole registry); the first problem answer ends the reading and is what the page shows.
    /// </summary>
    public static async Task<ApiResult<List<T>>> ReadAllAsync<TPage, T>(HttpClient http, string path, CancellationToken ct, int maxPages = 10)
        where TPage : ReferralHub.Wire.IPage<T>
    {
        var all = new List<T>();
        string? cursor = null;
        for (var page = 0; page < maxPages; page++)
        {
            var url = path + (cursor is null ? "" : (path.Contains('?') ? "&" : "?") + "cursor=" + Uri.EscapeDataString(cursor));
            var result = await ApiResult<TPage>.ReadAsync(await http.GetAsync(url, ct), ct);
            if (!result.Ok) return new(null, result.Status, result.Title, result.Errors);
            all.AddRange(result.Value!.Items);
            if ((cursor = result.Value.NextCursor) is null) break;
        }
        return new(all, HttpStatusCode.OK, null, new Dictionary<string, string[]>());
    }
}
