using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Transfers;

/// <summary>
/// One transfer capacity request: the non-personal summary, then confirm with the receiving caseworker (a code, not a
/// name: picked from the codes the agency already uses, each with its open cases, or another typed) or decline with a
/// reason. The transfer service checks the agency, the step and the code; its caseload warning (more than 25 cases,
/// seed 004) is shown as it answers.
/// </summary>
public sealed class TransferModel(TransfersApi transfers, IStringLocalizer<PortalText> text) : PageModel
{
    public static readonly IReadOnlyList<string> DeclineReasons = ReferralHub.Contracts.Taxonomy.TransferDeclineReasons.All;

    /// <summary>The radio value for "another caseworker": never a code (a code starts with a letter or a digit).</summary>
    public const string AnotherCaseworker = "+another";

    public TransferViewModel? Transfer { get; private set; }

    /// <summary>The agency's caseworker codes with their open cases, to pick from (only while capacity is asked).</summary>
    public IReadOnlyList<CaseworkerCaseloadView> Caseworkers { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <summary>The answer the transfer service refused on the last post, with what was typed (post/redirect/get).</summary>
    public FormFailure? Failure { get; private set; }

    public string? Typed(string input) => Failure?.Value(input);

    /// <summary>Once released: what the consent lets the receiving caseworker see (read only when released or acknowledged).</summary>
    public HandoverPackageView? Package { get; private set; }

    public string Label(string item)
    {
        var label = text["Payload." + item];
        return label.ResourceNotFound ? item : label.Value;
    }

    public string? FieldError(string field) => Failure?.Beside(text, "Transfer", field);

    /// <summary>A caseworker's open cases in words; one more over 25 is said as the confirm warning says it.</summary>
    public string OpenCases(CaseworkerCaseloadView caseworker) =>
        caseworker.CaseloadWarning ? text["Transfer.OpenCasesWarning", caseworker.OpenCases]
        : caseworker.OpenCases switch { 0 => text["Transfer.OpenCases.None"], 1 => text["Transfer.OpenCases.One"], var n => text["Transfer.OpenCases", n] };

    /// <summary>Where the summary's caseworker line leads: the first choice when none was made, else the typed id.</summary>
    public string CaseworkerInput => Caseworkers.Count > 0 && Typed("caseworker") is null && Typed("caseworkerId") is not { Length: > 0 } ? "caseworker-0" : "caseworkerId";

    public async Task<IActionResult> OnGetAsync(Guid id, string? done, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct)) return NotFoundPage();
        Failure = FormFailure.Take(TempData);
        // Without the list (the service did not answer) the typed id still works.
        if (Transfer!.Status == "capacity-requested" && await transfers.CaseworkersAsync(ct) is { Ok: true } caseworkers) Caseworkers = caseworkers.Value!;
        if (done is "confirm" or "decline" or "acknowledge")
            Message = text["Transfer.Done." + (done == "confirm" && Transfer!.Status == "released" ? "confirm-released" : done)];
        return Page();
    }

    /// <summary>The server decides: a picked code, else the typed id (when "another caseworker" is chosen, or nothing is).</summary>
    public Task<IActionResult> OnPostConfirmAsync(Guid id, string? caseworker, string? caseworkerId, CancellationToken ct) =>
        AnswerAsync(id, "confirm", string.IsNullOrWhiteSpace(caseworker) || caseworker == AnotherCaseworker ? caseworkerId : caseworker, null, ct);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, string? reason, CancellationToken ct) => AnswerAsync(id, "decline", null, reason, ct);

    /// <summary>A released document, fetched as the person (the transfer service decides) and always sent as a download.</summary>
    public async Task<IActionResult> OnGetDocumentAsync(Guid id, Guid documentId, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct) || Package?.Attachments.FirstOrDefault(a => a.Id == documentId) is not { } document
            || await transfers.DocumentAsync(id, documentId, ct) is not { } file)
        {
            return NotFoundPage();
        }
        Response.Headers["X-Content-Type-Options"] = "nosniff";
        Response.Headers.CacheControl = "no-store"; // personal data: never kept in a shared or browser cache
        return File(file.Content, file.ContentType, document.FileName);
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, string? receivingCaseCode, CancellationToken ct)
    {
        var result = await transfers.AcknowledgeAsync(id, string.IsNullOrWhiteSpace(receivingCaseCode) ? null : receivingCaseCode.Trim(), ct);
        if (result.Ok) return RedirectToPage(new { id, done = "acknowledge" });
        if (result.Status == System.Net.HttpStatusCode.NotFound) return NotFoundPage();
        return FormFailure.RedirectBack(this, result.Title ?? text["Transfer.Failed"], result.Errors, new { id });
    }

    private async Task<IActionResult> AnswerAsync(Guid id, string decision, string? caseworkerId, string? reason, CancellationToken ct)
    {
        var result = await transfers.AnswerCapacityAsync(id, decision, caseworkerId?.Trim(), reason, ct);
        if (result.Ok && result.Value!.Warnings.Count == 0) return RedirectToPage(new { id, done = decision });
        if (result.Ok)
        {
            // Answered, with a warning the receiving supervisor must see now (not lost in a redirect).
            Transfer = result.Value;
            Message = text["Transfer.Done." + decision];
            Warnings = result.Value!.Warnings;
            return Page();
        }
        if (result.Status == System.Net.HttpStatusCode.NotFound) return NotFoundPage();
        return FormFailure.RedirectBack(this, result.Title ?? text["Transfer.Failed"], result.Errors, new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var result = await transfers.GetAsync(id, ct);
        // Only transfers addressed to this agency belong on this page.
        Transfer = result.Ok && result.Value!.Direction == "incoming" ? result.Value : null;
        if (Transfer?.Status is "released" or "acknowledged" && await transfers.PackageAsync(id, ct) is { Ok: true } package) Package = package.Value;
        return Transfer is not null;
    }

    private IActionResult NotFoundPage()
    {
        Transfer = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
