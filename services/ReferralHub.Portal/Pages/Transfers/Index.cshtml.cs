using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Transfers;

/// <summary>
/// Transfer capacity requests addressed to the person's agency (seed 000: the case is explained without personal
/// information first): waiting for an answer first, most urgent and oldest first; then the rest, newest first.
/// </summary>
public sealed class IndexModel(TransfersApi transfers, IStringLocalizer<PortalText> text) : PageModel
{

    public IReadOnlyList<TransferViewModel> Waiting { get; private set; } = [];

    /// <summary>Handed over (package released) and waiting for this agency to acknowledge: still work to do, not "answered".</summary>
    public IReadOnlyList<TransferViewModel> ToAcknowledge { get; private set; } = [];

    public IReadOnlyList<TransferViewModel> Others { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var incoming = await transfers.ListAsync("incoming", null, ct);
        if (!incoming.Ok)
        {
            Error = incoming.Title ?? text["Transfers.Unavailable"];
            return;
        }
        Waiting = [.. incoming.Value!.Where(t => t.Status == "capacity-requested")
            .OrderBy(t => ReferralHub.Contracts.Taxonomy.TransferUrgencies.Rank(t.Urgency)).ThenBy(t => t.CreatedAt)];
        ToAcknowledge = [.. incoming.Value!.Where(t => t.Status == "released").OrderBy(t => t.UpdatedAt)];
        Others = [.. incoming.Value!.Where(t => t.Status is not ("capacity-requested" or "released")).OrderByDescending(t => t.UpdatedAt).Take(50)];
    }
}
