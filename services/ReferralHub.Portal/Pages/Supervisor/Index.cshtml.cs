using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Supervisor;

/// <summary>
/// A supervisor's desk: transfers of their agency waiting for approval (where the agency requires it), referrals and
/// transfers stopped for lack of consent (where an override may be authorised on the seed's grounds only), and the
/// whole caseload transfer. The services check role, agency and the four eyes on every answer.
/// </summary>
public sealed class IndexModel(TransfersApi transfers, SupervisorApi supervisor, IStringLocalizer<PortalText> text) : PageModel
{
    public IReadOnlyList<TransferViewModel> Approvals { get; private set; } = [];

    public IReadOnlyList<ReferralListItemView> BlockedReferrals { get; private set; } = [];

    public IReadOnlyList<TransferViewModel> TransfersWithoutConsent { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        if (done is "approved" or "refused") Message = text["Supervisor.Done." + done];
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostApprovalAsync(Guid id, bool approve, CancellationToken ct)
    {
        var result = await transfers.ApproveAsync(id, approve, ct);
        if (result.Ok) return RedirectToPage(new { done = approve ? "approved" : "refused" });
        Error = result.Title ?? text["Supervisor.Failed"];
        Response.StatusCode = (int)result.Status;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var outgoing = await transfers.ListAsync("outgoing", null, ct);
        var blocked = await supervisor.ReferralsAsync("blocked-consent", ct);
        if (!outgoing.Ok || !blocked.Ok) Error ??= text["Supervisor.Unavailable"];
        var sent = outgoing.Value ?? [];
        Approvals = [.. sent.Where(t => t.ApprovalRequired && t.ApprovedAt is null && t.Status is "capacity-requested" or "awaiting-approval")
            .OrderByDescending(t => t.Status == "awaiting-approval").ThenBy(t => t.CreatedAt)];
        TransfersWithoutConsent = [.. sent.Where(t => t.Status is "consent-denied" or "awaiting-consent").OrderByDescending(t => t.UpdatedAt)];
        BlockedReferrals = [.. (blocked.Value ?? []).OrderByDescending(r => r.UpdatedAt)];
    }
}
