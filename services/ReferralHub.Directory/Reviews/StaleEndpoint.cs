using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Directory.Model;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Reviews;

public sealed record StaleEntryDto(
    string Kind, Guid Id, string Name, string? OrganisationCode, IReadOnlyList<string> AreaCodes, DateTime? LastReviewedAt, string? LastReviewedBy,
    /// <summary>Who should review it: the service's focal points (empty for a pathway).</summary>
    IReadOnlyList<FocalPointSnapshot> FocalPoints,
    /// <summary>The child protection focal points of the entry's (first) area, nearest up the tree.</summary>
    IReadOnlyList<FocalPointSnapshot> AreaFocalPoints,
    long Version);

/// <summary>
/// Entries not reviewed within Directory:StaleAfterDays (default 182, "at least every six months", seeds 002/004),
/// for coordinators and focal points. With <c>area</c>: entries delivered in or maintained for that area or below it.
/// </summary>
internal static class StaleEndpoint
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/stale", ListAsync).WithName("ListStaleEntries").Produces<Page<StaleEntryDto>>().WithTags("Directory review");

    /// <summary>Longest unreviewed first (never reviewed before all), a page at a time (keyset on review time and id).</summary>
    private static async Task<IResult> ListAsync(string? area, string? cursor, int? limit, DirectoryCache cache, TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: Paging.MaxLimit);
        if (area is not null && !view.Areas.ContainsKey(area)) errors.Add("area", "unknown area code");
        if (errors.Any) return errors.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var staleAfter = options.Value.StaleAfter;
        // A district-wide entry concerns every camp in it, and a camp entry concerns its district: overlap, both ways.
        bool InScope(string code) => area is null || view.IsWithin(code, area) || view.IsWithin(area, code);
        IReadOnlyList<FocalPointSnapshot> AreaFocalPoints(string? code) =>
            code is null ? [] : view.Chain(code).FirstOrDefault(a => a.FocalPoints.Count > 0)?.FocalPoints.ToSnapshots() ?? [];

        var services = view.Services.Values
            .Where(s => !s.Retired && s.IsStale(now, staleAfter) && s.AreaCodes.Any(InScope))
            .Select(s => new StaleEntryDto("service", s.Id, s.Name, view.Organisations[s.OrganisationId].Code, s.AreaCodes, s.LastReviewedAt, s.LastReviewedBy,
                s.FocalPoints.ToSnapshots(), AreaFocalPoints(s.AreaCodes.FirstOrDefault()), s.Version));
        var pathways = view.Pathways.Values
            .Where(p => p.IsStale(now, staleAfter) && InScope(p.AreaCode))
            .Select(p => new StaleEntryDto("pathway", p.Id, $"{p.ServiceType} in {p.AreaCode}", null, [p.AreaCode], p.LastReviewedAt, p.LastReviewedBy,
                [], AreaFocalPoints(p.AreaCode), p.Version));
        // Never reviewed sorts first, as the earliest possible time.
        static DateTime ReviewedAt(StaleEntryDto e) => e.LastReviewedAt ?? DateTime.MinValue;
        var rows = services.Concat(pathways)
            .Where(e => after is not { } a || ReviewedAt(e) > a.At || (ReviewedAt(e) == a.At && e.Id.CompareTo(a.Id) > 0))
            .OrderBy(ReviewedAt).ThenBy(e => e.Id).Take(take + 1).ToList();
        return TypedResults.Ok(Paging.Trim(rows, take, e => Paging.Cursor(ReviewedAt(e), e.Id)));
    }
}
