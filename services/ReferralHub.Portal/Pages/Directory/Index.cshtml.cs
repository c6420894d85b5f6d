using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Directory;

/// <summary>
/// A child protection focal point's areas: what needs reviewing first (entries not reviewed in six months, seeds
/// 002/004), then every service delivered there with whether it accepts referrals now.
/// </summary>
public sealed class IndexModel(DirectoryApi directory, IStringLocalizer<PortalText> text) : PageModel
{
    public IReadOnlyList<AreaView> Areas { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(bool reviewed, CancellationToken ct)
    {
        if (reviewed) Message = text["Directory.Reviewed"];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostReviewAsync(string kind, Guid id, long version, CancellationToken ct)
    {
        var result = await directory.ConfirmReviewedAsync(kind, id, version, ct);
        if (result.Ok) return RedirectToPage(new { reviewed = true });
        // The server decides (403 outside the person's areas, 409 if someone changed it meanwhile); say so plainly.
        Error = result.Conflict ? text["Directory.Conflict"] : result.Title ?? text["Directory.Failed"];
        Response.StatusCode = (int)result.Status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var areas = new List<AreaView>();
        foreach (var code in User.FindAll(HubClaims.Area).Select(c => c.Value).Distinct().Order())
        {
            var stale = await directory.StaleAsync(code, ct);
            var services = await directory.ServicesAsync(code, ct);
            areas.Add(new AreaView(code, stale.Value ?? [], [.. (services.Value ?? []).OrderBy(s => s.AcceptingNow).ThenBy(s => s.Name)]));
        }
        Areas = areas;
    }

    public sealed record AreaView(string Code, IReadOnlyList<StaleEntryView> Stale, IReadOnlyList<DirectoryServiceView> Services);
}
