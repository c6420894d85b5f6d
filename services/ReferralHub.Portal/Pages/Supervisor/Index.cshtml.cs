using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
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

    /// <summary>The agency's latest caseload transfer jobs, newest first, each a link to its report.</summary>
    public IReadOnlyList<BulkJobSummaryView> BulkJobs { get; private set; } = [];

    /// <summary>How many jobs the page lists; older ones are left out (it says so).</summary>
    public const int BulkJobsShown = 20;

    public bool MoreBulkJobs { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Why a supervisor may refuse a transfer (codes of the transfer service, shown in plain words).</summary>
    public static readonly IReadOnlyList<string> RefusalReasons = ReferralHub.Contracts.Taxonomy.ApprovalRefusalReasons.All;

    /// <summary>The answer the transfer service refused on the last post (post/redirect/get).</summary>
    public FormFailure? Failure { get; private set; }

    /// <summary>The transfer the supervisor asked to refuse: refusing ends it, so it is asked once more, with the reason.</summary>
    public TransferViewModel? ConfirmRefusal { get; private set; }

    public string? FieldError(string field) => Failure?.Beside(text, "Supervisor", field);

    public async Task OnGetAsync(string? done, Guid? refuse, CancellationToken ct)
    {
        if (done is "approved" or "refused") Message = text["Supervisor.Done." + done];
        Failure = FormFailure.Take(TempData);
        await LoadAsync(ct);
        if (refuse is { } r) ConfirmRefusal = Approvals.FirstOrDefault(t => t.Id == r);
    }

    public async Task<IActionResult> OnPostApprovalAsync(Guid id, bool approve, string? reason, CancellationToken ct)
    {
        var result = await transfers.ApproveAsync(id, approve, approve ? null : reason, ct);
        if (result.Ok) return RedirectToPage(new { done = approve ? "approved" : "refused" });
        return FormFailure.RedirectBack(this, result.Title ?? text["Supervisor.Failed"], result.Errors,
            approve ? new { } : new { refuse = id }, fragment: approve ? "error-summary" : "confirm-refusal");
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
        var jobs = await transfers.BulkJobsAsync(BulkJobsShown, ct);
        if (!jobs.Ok) Error ??= text["Supervisor.Unavailable"];
        BulkJobs = jobs.Value?.Items ?? [];
        MoreBulkJobs = jobs.Value?.NextCursor is not null;
    }
}
