using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Supervisor;

/// <summary>
/// Starts a whole caseload transfer (seed 001: when an agency leaves an area, every case file is checked for transfer
/// consent). The agency's case list is pasted one case per line, codes only (no names); a receiving case management
/// agency is named per area. The transfer service validates everything and answers with the job to follow.
/// </summary>
public sealed class BulkModel(TransfersApi transfers, IStringLocalizer<PortalText> text) : PageModel
{
    public static readonly string[] Reasons = ["agency-leaving-area", "child-moved", "mandate-change", "better-placed-agency"];
    public static readonly string[] Urgencies = ["high", "medium", "low"];
    public const int ReceiverRows = 3;

    [BindProperty] public BulkForm Form { get; set; } = new();

    public string? Error { get; private set; }

    public IReadOnlyList<string> Problems { get; private set; } = [];

    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public string? FieldError(string field) => _errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;

    public IActionResult OnGet(string? job)
    {
        if (job is not null)
        {
            if (Guid.TryParse(job.Trim(), out var id)) return Redirect($"/supervisor/bulk/{id}");
            Error = text["Bulk.NotAJob"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Form = new BulkForm { IdempotencyKey = Guid.NewGuid().ToString("N") };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (cases, lineErrors) = ParseCases(Form.Cases);
        var receivers = Form.Receivers.Where(r => !string.IsNullOrWhiteSpace(r.AreaCode) || !string.IsNullOrWhiteSpace(r.Agency))
            .Select(r => new BulkReceiverInput(r.AreaCode?.Trim() ?? "", r.Agency?.Trim() ?? "")).ToList();
        if (lineErrors.Count > 0)
        {
            Problems = lineErrors;
            Error = text["Bulk.Invalid"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var key = string.IsNullOrWhiteSpace(Form.IdempotencyKey) ? Guid.NewGuid().ToString("N") : Form.IdempotencyKey;
        var result = await transfers.StartBulkAsync(new BulkTransferInput(Form.Reason, Form.Urgency, cases, receivers), key, ct);
        if (result.Ok) return Redirect($"/supervisor/bulk/{result.Value!.Id}");
        Error = result.Title ?? text["Bulk.Failed"];
        _errors = result.Errors;
        // Errors about one case name its position in the list: say which line.
        Problems = [.. result.Errors.Where(e => e.Key.StartsWith("cases[", StringComparison.Ordinal) || e.Key.StartsWith("receivers", StringComparison.Ordinal))
            .Select(e => $"{Describe(e.Key)}: {string.Join(" ", e.Value)}")];
        Response.StatusCode = (int)result.Status;
        return Page();
    }

    private string Describe(string key)
    {
        if (!key.StartsWith("cases[", StringComparison.Ordinal)) return key;
        var end = key.IndexOf(']', StringComparison.Ordinal);
        return int.TryParse(key[6..end], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? text["Bulk.Line", i + 1] + key[(end + 1)..]
            : key;
    }

    /// <summary>caseCode, areaCode, ageBand, sex, riskLevel[, concerns separated by spaces[, languages separated by spaces]].</summary>
    private (List<BulkCaseInput> Cases, List<string> Errors) ParseCases(string? list)
    {
        var cases = new List<BulkCaseInput>();
        var errors = new List<string>();
        var lines = (list ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(',').Select(p => p.Trim()).ToArray();
            if (parts.Length is < 5 or > 7)
            {
                errors.Add(text["Bulk.LineShape", i + 1]);
                continue;
            }
            static List<string> Words(string[] p, int at) => p.Length > at ? [.. p[at].Split(' ', StringSplitOptions.RemoveEmptyEntries)] : [];
            cases.Add(new BulkCaseInput(parts[0], parts[1], parts[2], parts[3], parts[4], Words(parts, 5), Words(parts, 6)));
        }
        if (cases.Count == 0 && errors.Count == 0) errors.Add(text["Bulk.NoCases"]);
        return (cases, errors);
    }

    public sealed class BulkForm
    {
        public string? Reason { get; set; } = "agency-leaving-area";
        public string? Urgency { get; set; } = "medium";
        public string? Cases { get; set; }
        public List<ReceiverRow> Receivers { get; set; } = [.. Enumerable.Range(0, ReceiverRows).Select(_ => new ReceiverRow())];
        public string? IdempotencyKey { get; set; }
    }

    public sealed class ReceiverRow
    {
        public string? AreaCode { get; set; }
        public string? Agency { get; set; }
    }
}
