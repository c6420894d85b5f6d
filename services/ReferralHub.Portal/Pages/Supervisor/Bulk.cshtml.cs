using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
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
    public static IReadOnlyList<string> Urgencies => ReferralHub.Contracts.Taxonomy.TransferUrgencies.All;
    public const int ReceiverRows = 3;

    [BindProperty] public BulkForm Form { get; set; } = new();

    public string? Error { get; private set; }

    /// <summary>The refused start, brought back by post/redirect/get: every problem at once, in words, with what was typed.</summary>
    public FormFailure? Failure { get; private set; }

    /// <summary>The message(s) beside a field; "cases" and "receivers" gather those of every line and row.</summary>
    public string? FieldError(string field)
    {
        var messages = (Failure?.Errors ?? []).Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal)).SelectMany(e => e.Value).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    /// <summary>Which input each summary line links to: a case line to the list, a receiver row to its picker.</summary>
    public IReadOnlyDictionary<string, string> InputIds =>
        (Failure?.Errors.Keys.AsEnumerable() ?? []).ToDictionary(k => k, k => k switch
        {
            _ when k.StartsWith("cases", StringComparison.Ordinal) => "cases",
            _ when k.StartsWith("receivers[", StringComparison.Ordinal) && k.IndexOf(']', StringComparison.Ordinal) is var end and > 10
                => (k.EndsWith(".agency", StringComparison.Ordinal) ? "agency-" : "area-") + k[10..end],
            _ when k.StartsWith("receivers", StringComparison.Ordinal) => "area-0",
            _ => k,
        });

    public async Task<IActionResult> OnGetAsync(string? job)
    {
        if (job is not null)
        {
            if (Guid.TryParse(job.Trim(), out var id)) return Redirect($"/supervisor/bulk/{id}");
            Error = text["Bulk.NotAJob"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Form = new BulkForm { IdempotencyKey = Guid.NewGuid().ToString("N") };
        Failure = FormFailure.Take(TempData);
        // The typed form comes back, its idempotency key too: the corrected form still starts one job only.
        if (Failure is { Values.Count: > 0 }) await TryUpdateModelAsync(Form, nameof(Form), Failure.AsValueProvider());
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (cases, lineErrors) = ParseCases(Form.Cases);
        var receivers = Form.Receivers.Where(r => !string.IsNullOrWhiteSpace(r.AreaCode) || !string.IsNullOrWhiteSpace(r.Agency))
            .Select(r => new BulkReceiverInput(r.AreaCode?.Trim() ?? "", r.Agency?.Trim() ?? "")).ToList();
        if (lineErrors.Count > 0) return FormFailure.RedirectBack(this, text["Bulk.Invalid"], lineErrors);
        var key = string.IsNullOrWhiteSpace(Form.IdempotencyKey) ? Guid.NewGuid().ToString("N") : Form.IdempotencyKey;
        var result = await transfers.StartBulkAsync(new BulkTransferInput(Form.Reason, Form.Urgency, cases, receivers), key, ct);
        if (result.Ok) return Redirect($"/supervisor/bulk/{result.Value!.Id}");
        // Errors about one case or row name its position in the list (cases[3].ageBand): say which line, in words.
        var errors = result.Errors.ToDictionary(e => e.Key, e => e.Key.StartsWith("cases", StringComparison.Ordinal) || e.Key.StartsWith("receivers", StringComparison.Ordinal)
            ? [$"{Describe(e.Key)}: {string.Join(" ", e.Value)}"]
            : e.Value);
        return FormFailure.RedirectBack(this, result.Title ?? text["Bulk.Failed"], errors);
    }

    /// <summary>
    /// Where the service found the problem, in words: <c>cases[3].ageBand</c> → "Line 4, age band",
    /// <c>receivers[0].areaCode</c> → "Receiving agency row 1, area". Never the JSON path itself.
    /// </summary>
    private string Describe(string key)
    {
        var (list, word) = key.StartsWith("cases", StringComparison.Ordinal) ? ("cases", "Bulk.Line") : ("receivers", "Bulk.ReceiverRow");
        var open = key.IndexOf('[', StringComparison.Ordinal);
        var close = key.IndexOf(']', StringComparison.Ordinal);
        if (open < 0 || close < open || !int.TryParse(key[(open + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            return text[list == "cases" ? "Bulk.Cases" : "Bulk.Receivers"];
        var field = key[(close + 1)..].TrimStart('.');
        var where = text[word, i + 1].Value;
        if (field.Length == 0) return where;
        var fieldWord = text["Bulk.Field." + field];
        return fieldWord.ResourceNotFound ? where : $"{where}, {fieldWord.Value}";
    }

    /// <summary>caseCode, areaCode, ageBand, sex, riskLevel[, concerns separated by spaces[, languages separated by spaces]].</summary>
    private (List<BulkCaseInput> Cases, Dictionary<string, string[]> Errors) ParseCases(string? list)
    {
        var cases = new List<BulkCaseInput>();
        var errors = new Dictionary<string, string[]>();
        var lines = (list ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(',').Select(p => p.Trim()).ToArray();
            if (parts.Length is < 5 or > 7)
            {
                errors[$"cases[{i}]"] = [text["Bulk.LineShape", i + 1]];
                continue;
            }
            static List<string> Words(string[] p, int at) => p.Length > at ? [.. p[at].Split(' ', StringSplitOptions.RemoveEmptyEntries)] : [];
            cases.Add(new BulkCaseInput(parts[0], parts[1], parts[2], parts[3], parts[4], Words(parts, 5), Words(parts, 6)));
        }
        if (cases.Count == 0 && errors.Count == 0) errors["cases"] = [text["Bulk.NoCases"]];
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
