using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Directory;

/// <summary>
/// For the child protection focal point: transfers whose receiving agency has not answered the capacity request within
/// three days, in their areas (seed 004: the focal point is central to referrals; an unanswered transfer is a case
/// falling between two agencies). Agencies, area and the non-personal summary only — never a case code.
/// </summary>
public sealed class EscalationsModel(TransferEscalationsApi escalations, IStringLocalizer<PortalText> text, TimeProvider clock) : PageModel
{
    public IReadOnlyList<EscalatedTransferView> Transfers { get; private set; } = [];

    public string? Error { get; private set; }

    public DateTime Now { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow().UtcDateTime;
        var result = await escalations.ListAsync(ct);
        if (!result.Ok)
        {
            Error = result.Title ?? text["Escalations.Unavailable"];
            return;
        }
        Transfers = [.. result.Value!.OrderBy(t => t.RequestedAt)];
    }

    public string Waiting(EscalatedTransferView transfer) => text["Escalations.Days", Math.Max(0, (int)(Now - transfer.RequestedAt).TotalDays)];
}
