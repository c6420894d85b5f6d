using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Directory;

/// <summary>
/// The pathways of the focal point's areas (their areas and every area below them), grouped by area and filtered by
/// area: for an area and a service type, which services in which order. Pathways needing review (six months, seeds
/// 002/004) first in each area. For a camp or block, the pathways it uses from an area above it are shown too, as the
/// directory routes (docs/directory.md, "Pathway query": the area and its ancestors, nearest first). Starting an area's
/// own pathway asks first and says what it changes; the directory decides who may (403 outside the person's areas).
/// </summary>
public sealed class PathwaysModel(PathwaysApi pathways, IStringLocalizer<PortalText> text) : PageModel
{
    /// <summary>The areas shown, each with its own pathways and those it uses from above: one area when filtered.</summary>
    public IReadOnlyList<AreaPathways> Areas { get; private set; } = [];

    /// <summary>Every area the person may filter by or start a pathway for, broadest first.</summary>
    public IReadOnlyList<string> AreaCodes { get; private set; } = [];

    public IReadOnlyList<string> ServiceTypeCodes { get; } = [.. ServiceTypes.All.Select(s => s.Code)];

    /// <summary>The area filter (<c>?area=</c>); null shows every area of the person.</summary>
    [BindProperty(SupportsGet = true, Name = "area")] public string? Filter { get; set; }

    /// <summary>The pathway about to be started (<c>?startArea=&amp;startType=</c>): asked for before anything changes.</summary>
    public StartQuestion? Start { get; private set; }

    public int StaleCount { get; private set; }

    public string? Error { get; private set; }

    public string? FieldError(string field) => Failure?.FieldError(field);

    public async Task OnGetAsync(string? startArea, string? startType, CancellationToken ct)
    {
        Failure = FormFailure.Take(TempData);
        var all = await LoadAsync(ct);
        if (all is null || string.IsNullOrEmpty(startArea) || string.IsNullOrEmpty(startType)) return;
        if (!AreaCodes.Contains(startArea) || !ServiceTypeCodes.Contains(startType))
        {
            Error = text["Pathways.StartUnknown"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var (own, used) = Routing(all.Value.Areas, all.Value.Pathways, startArea, startType);
        Start = new StartQuestion(startArea, startType, own, used);
    }

    public async Task<IActionResult> OnPostCreateAsync(string? areaCode, string? serviceType, CancellationToken ct)
    {
        var result = await pathways.CreateAsync(areaCode ?? "", serviceType ?? "", ct);
        if (result.Ok) return Redirect($"/directory/pathways/{result.Value!.Id}?created=true");
        // Post/redirect/get: the refusal (one started meanwhile in another tab: 409; an area outside yours: 403) is
        // shown by the next GET, on the area's view with the start form as it was; a reload sends nothing.
        var title = result.Conflict ? text["Pathways.Exists"].Value : result.Title ?? text["Directory.Failed"].Value;
        return FormFailure.RedirectBack(this, title, result.Errors,
            routeValues: string.IsNullOrEmpty(areaCode) ? new { } : new { area = areaCode });
    }

    /// <summary>The refused start brought back by post/redirect/get, or null.</summary>
    public FormFailure? Failure { get; private set; }

    /// <summary>The start form's fields, for the summary's links.</summary>
    public IReadOnlyDictionary<string, string> InputIds { get; } = new Dictionary<string, string> { ["areaCode"] = "new-area", ["serviceType"] = "new-type" };

    private async Task<(List<AreaView> Areas, List<PathwayView> Pathways)?> LoadAsync(CancellationToken ct)
    {
        var mine = User.FindAll(HubClaims.Area).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var areas = await pathways.AreasAsync(ct);
        var list = await pathways.ListAsync(ct);
        if (!areas.Ok || !list.Ok)
        {
            Error = text["Pathways.Unavailable"];
            return null;
        }
        // The person's areas and every area below them (a district focal point keeps its camps' pathways too).
        var inScope = areas.Value!.Where(a => !a.Retired && (mine.Contains(a.Code) || a.AncestorCodes.Any(mine.Contains)))
            .OrderBy(a => a.AncestorCodes.Count).ThenBy(a => a.Code, StringComparer.Ordinal).ToList();
        AreaCodes = [.. inScope.Select(a => a.Code)];
        if (Filter is not null && !AreaCodes.Contains(Filter)) Filter = null;
        StaleCount = list.Value!.Count(p => p.Stale && AreaCodes.Contains(p.AreaCode));
        Areas = [.. inScope.Where(a => Filter is null || a.Code == Filter).Select(a => new AreaPathways(
            a.Code,
            [.. list.Value!.Where(p => p.AreaCode == a.Code).OrderByDescending(p => p.Stale).ThenBy(p => ServiceName(p.ServiceType))],
            [.. ServiceTypeCodes.Where(t => !list.Value!.Any(p => p.AreaCode == a.Code && p.ServiceType == t))
                .Select(t => Routing(areas.Value!, list.Value!, a.Code, t).Used)
                .OfType<PathwayView>()
                .OrderBy(p => ServiceName(p.ServiceType))]))];
        return (areas.Value!, list.Value!);
    }

    /// <summary>
    /// The area's own pathway for the type, and the pathway routing uses there when it has none: the nearest area
    /// above it with one (the directory's chain, nearest first; <c>AncestorCodes</c> runs from the root down).
    /// </summary>
    private static (PathwayView? Own, PathwayView? Used) Routing(List<AreaView> areas, List<PathwayView> all, string areaCode, string serviceType)
    {
        var own = all.FirstOrDefault(p => p.AreaCode == areaCode && p.ServiceType == serviceType);
        if (own is not null) return (own, null);
        var ancestors = areas.FirstOrDefault(a => a.Code == areaCode)?.AncestorCodes ?? [];
        for (var i = ancestors.Count - 1; i >= 0; i--)
            if (all.FirstOrDefault(p => p.AreaCode == ancestors[i] && p.ServiceType == serviceType) is { } above) return (null, above);
        return (null, null);
    }

    public static string ServiceName(string code) => ServiceTypes.Find(code)?.Name ?? code;

    /// <param name="Own">The area's own pathways.</param>
    /// <param name="Inherited">For each service type it has none of, the pathway of the nearest area above that has one.</param>
    public sealed record AreaPathways(string AreaCode, IReadOnlyList<PathwayView> Own, IReadOnlyList<PathwayView> Inherited);

    /// <param name="Existing">The area's pathway for the type when it already has one (nothing to start).</param>
    /// <param name="UsedNow">The pathway of an area above that routing uses there now, which the new one goes before.</param>
    public sealed record StartQuestion(string AreaCode, string ServiceType, PathwayView? Existing, PathwayView? UsedNow);
}
