using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Turnaround;

/// <summary>
/// For coordinators: every directory entry (service or pathway) not reviewed for six months (seeds 002/004), oldest
/// first, with the area's child protection focal point who should review it. Directory entries only: no case data.
/// </summary>
public sealed class StaleModel(CoordinatorApi coordinator, IStringLocalizer<PortalText> text) : PageModel
{
    public IReadOnlyList<StaleEntryWithContactsView> Entries { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var stale = await coordinator.StaleAsync(ct);
        if (!stale.Ok)
        {
            Error = stale.Title ?? text["Pathways.Unavailable"];
            return;
        }
        Entries = [.. stale.Value!.OrderBy(e => e.LastReviewedAt ?? DateTime.MinValue)];
    }
}
