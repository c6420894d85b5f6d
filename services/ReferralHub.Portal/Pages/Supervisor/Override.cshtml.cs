using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Supervisor;

/// <summary>
/// Consent override for ONE referral or transfer of the supervisor's agency (seed 000, Consent &amp; Assent form part 4):
/// a ground from the allowed list and a justification. The consent registry records it, checks the role, the agency
/// and that the supervisor is not the caseworker who asked; this page shows what it answers and the item's status after.
/// Only codes and statuses are shown here: no personal information is needed to authorise.
/// </summary>
public sealed class OverrideModel(SupervisorApi supervisor, TransfersApi transfers, IStringLocalizer<PortalText> text) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Referral { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Transfer { get; set; }

    public string? CaseCode { get; private set; }
    public string? Subject { get; private set; }
    public string? Status { get; private set; }
    public string ReleaseReference => Referral is { } r ? $"referral:{r}" : $"transfer:{Transfer}";

    public OverrideResultView? Recorded { get; private set; }
    public string? Ground { get; private set; }
    public string? Justification { get; private set; }
    public string? Error { get; private set; }

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public string? FieldError(string field) => _errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFoundPage();

    public async Task<IActionResult> OnPostAsync(string? ground, string? justification, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        var result = await supervisor.AuthoriseOverrideAsync(CaseCode!, ReleaseReference, ground, justification, ct);
        if (result.Ok)
        {
            Recorded = result.Value;
            await LoadAsync(ct); // the item's status as the service reports it after the override
            return Page();
        }
        Error = result.Title ?? text["Override.Failed"];
        _errors = result.Errors;
        (Ground, Justification) = (ground, justification);
        Response.StatusCode = (int)result.Status;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (Referral is { } referralId)
        {
            var r = await supervisor.ReferralAsync(referralId, ct);
            if (!r.Ok) return false;
            (CaseCode, Status) = (r.Value!.CaseCode, text["ReferralStatus." + r.Value.Status].Value);
            Subject = text["Supervisor.ReferralOf", r.Value.CaseCode, ReferralHub.Contracts.Taxonomy.ServiceTypes.Find(r.Value.ServiceType)?.Name ?? r.Value.ServiceType];
            return true;
        }
        if (Transfer is { } transferId)
        {
            var t = await transfers.GetAsync(transferId, ct);
            // An override is for the supervisor's own agency's case: only outgoing transfers.
            if (!t.Ok || t.Value!.Direction != "outgoing") return false;
            (CaseCode, Status) = (t.Value.CaseCode, text["TransferStatus." + t.Value.Status].Value);
            Subject = text["Supervisor.TransferOf", t.Value.CaseCode ?? "", t.Value.ReceivingAgency];
            return true;
        }
        return false;
    }

    private IActionResult NotFoundPage()
    {
        CaseCode = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
