using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Filters;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Localisation;

/// <summary>
/// The names people know areas and agencies by ("Camp 1", "Hope for Children"), for pages that would otherwise show
/// codes (<c>demo-camp-1</c>, <c>agency-a</c>). Read from the directory (areas and organisations are not personal data)
/// at most every few minutes and shared by all pages; a directory that does not answer leaves the codes showing.
/// </summary>
public sealed class DirectoryNames(TimeProvider clock)
{
    private static readonly TimeSpan FreshFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Names _names = new(new Dictionary<string, string>(), new Dictionary<string, string>(), DateTimeOffset.MinValue);

    private sealed record Names(IReadOnlyDictionary<string, string> Areas, IReadOnlyDictionary<string, string> Agencies, DateTimeOffset ReadAt);

    public string? Area(string? code) => code is not null && _names.Areas.TryGetValue(code, out var name) ? name : null;

    public string? Agency(string? code) => code is not null && _names.Agencies.TryGetValue(code, out var name) ? name : null;

    /// <summary>Every area the directory knows, by name, for pickers (empty while the directory has not answered).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AllAreas => [.. _names.Areas.OrderBy(a => a.Value, StringComparer.CurrentCulture)];

    /// <summary>Every agency (organisation) the directory knows, by name, for pickers.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AllAgencies => [.. _names.Agencies.OrderBy(a => a.Value, StringComparer.CurrentCulture)];

    /// <summary>Reads the names again when they are older than a few minutes (one reader at a time).</summary>
    public async Task RefreshAsync(HubApiClient api, CancellationToken ct)
    {
        if (clock.GetUtcNow() - _names.ReadAt < FreshFor) return;
        if (!await _refresh.WaitAsync(0, ct)) return; // someone is reading them now: this page shows what is known
        try
        {
            var areas = await ReadAsync<ReferralHub.Wire.PageOfAreaDto, ReferralHub.Wire.AreaDto>(api, "api/v1/directory/areas?includeRetired=true", a => (a.Code, a.Name), ct);
            var agencies = await ReadAsync<ReferralHub.Wire.PageOfOrganisationDto, ReferralHub.Wire.OrganisationDto>(api, "api/v1/directory/organisations?includeRetired=true", o => (o.Code, o.Name), ct);
            // A directory that did not answer is asked again in a minute, not on every page view meanwhile.
            _names = areas is not null && agencies is not null
                ? new(areas, agencies, clock.GetUtcNow())
                : _names with { ReadAt = clock.GetUtcNow() - FreshFor + RetryAfter };
        }
        finally
        {
            _refresh.Release();
        }
    }

    private static async Task<Dictionary<string, string>?> ReadAsync<TPage, T>(HubApiClient api, string path, Func<T, (string? Code, string? Name)> named, CancellationToken ct)
        where TPage : ReferralHub.Wire.IPage<T>
    {
        try
        {
            var read = await ApiPages.ReadAllAsync<TPage, T>(api.Http, path, ct);
            return read.Ok
                ? read.Value!.Select(named).Where(e => e.Code is not null && e.Name is not null).GroupBy(e => e.Code!, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.First().Name!, StringComparer.Ordinal)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>Before a signed-in person's page runs, makes sure the area and agency names are fresh enough.</summary>
public sealed class DirectoryNamesFilter(DirectoryNames names) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated == true)
            await names.RefreshAsync(context.HttpContext.RequestServices.GetRequiredService<HubApiClient>(), context.HttpContext.RequestAborted);
        await next();
    }
}
