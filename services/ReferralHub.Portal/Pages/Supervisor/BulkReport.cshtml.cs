using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Supervisor;

/// <summary>
/// The whole caseload transfer report as the transfer service gives it: progress, the cases proceeding, the cases not
/// handed over (no consent, …) with what the caseworker must do, and the caseload per receiving caseworker.
/// </summary>
public sealed class BulkReportModel(TransfersApi transfers) : PageModel
{
    public BulkJobViewModel? Job { get; private set; }

    public bool Finished => Job?.Status is "completed" or "failed";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var result = await transfers.BulkAsync(id, ct);
        Job = result.Ok ? result.Value : null;
        if (Job is null) Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
