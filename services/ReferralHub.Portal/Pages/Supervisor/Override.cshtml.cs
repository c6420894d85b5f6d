using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using System.Text.Json;
using ReferralHub.Portal.Forms;
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

    private const string RecordedKey = "override-recorded";

    public OverrideResultView? Recorded { get; private set; }

    /// <summary>A refused override, brought back by post/redirect/get with the ground and justification typed.</summary>
    public FormFailure? Failure { get; private set; }

    public string? Ground => Failure?.Value("ground");
    public string? Justification => Failure?.Value("justification");

    public string? FieldError(string field) => Failure?.Beside(text, "Override", field);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        Failure = FormFailure.Take(TempData);
        // What the registry recorded (ids, ground, time: nothing personal), shown once after the redirect.
        if (TempData[RecordedKey] is string recorded) Recorded = JsonSerializer.Deserialize<OverrideResultView>(recorded);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? ground, string? justification, CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFoundPage();
        var result = await supervisor.AuthoriseOverrideAsync(CaseCode!, ReleaseReference, ground, justification, ct);
        var back = new { referral = Referral, transfer = Transfer };
        if (result.Ok)
        {
            // Post/redirect/get: the answer page is a GET (with the item's status after the override), so a reload sends nothing.
            TempData[RecordedKey] = JsonSerializer.Serialize(result.Value);
            return RedirectToPage(back);
        }
        return FormFailure.RedirectBack(this, result.Title ?? text["Override.Failed"], result.Errors, back);
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (Referral is { } referralId)
        {
            var r = await supervisor.ReferralAsync(referralId, ct);
            if (!r.Ok) return false;
            (CaseCode, Status) = (r.Value!.CaseCode, text["ReferralStatus." + r.Value.Status].Value);
            Subject = text["Supervisor.ReferralOf", r.Value.CaseCode ?? "", ReferralHub.Contracts.Taxonomy.ServiceTypes.Find(r.Value.ServiceType)?.Name ?? r.Value.ServiceType];
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
