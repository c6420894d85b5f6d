using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Directory;

/// <summary>
/// The pathways of the focal point's areas (their areas and every area below them): for an area and a service type,
/// which services in which order. Pathways needing review (six months, seeds 002/004) first. A missing pathway for a
/// camp can be started here; the directory decides who may (403 outside the person's areas).
/// </summary>
public sealed class PathwaysModel(PathwaysApi pathways, IStringLocalizer<PortalText> text) : PageModel
{
    public IReadOnlyList<PathwayView> Pathways { get; private set; } = [];

    public IReadOnlyList<string> AreaCodes { get; private set; } = [];

    public IReadOnlyList<string> ServiceTypeCodes { get; } = [.. ServiceTypes.All.Select(s => s.Code)];

    public string? Error { get; private set; }

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public string? FieldError(string field) => _errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string? areaCode, string? serviceType, CancellationToken ct)
    {
        var result = await pathways.CreateAsync(areaCode ?? "", serviceType ?? "", ct);
        if (result.Ok) return Redirect($"/directory/pathways/{result.Value!.Id}?created=true");
        Error = result.Conflict ? text["Pathways.Exists"] : result.Title ?? text["Directory.Failed"];
        _errors = result.Errors;
        Response.StatusCode = (int)result.Status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var mine = User.FindAll(HubClaims.Area).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var areas = await pathways.AreasAsync(ct);
        var list = await pathways.ListAsync(ct);
        if (!areas.Ok || !list.Ok)
        {
            Error = text["Pathways.Unavailable"];
            return;
        }
        // The person's areas and every area below them (a district focal point keeps its camps' pathways too).
        AreaCodes = [.. areas.Value!.Where(a => !a.Retired && (mine.Contains(a.Code) || a.AncestorCodes.Any(mine.Contains)))
            .OrderBy(a => a.AncestorCodes.Count).ThenBy(a => a.Code, StringComparer.Ordinal).Select(a => a.Code)];
        var inScope = AreaCodes.ToHashSet(StringComparer.Ordinal);
        Pathways = [.. list.Value!.Where(p => inScope.Contains(p.AreaCode))
            .OrderByDescending(p => p.Stale).ThenBy(p => p.AreaCode, StringComparer.Ordinal).ThenBy(p => ServiceName(p.ServiceType))];
    }

    public static string ServiceName(string code) => ServiceTypes.Find(code)?.Name ?? code;
}
