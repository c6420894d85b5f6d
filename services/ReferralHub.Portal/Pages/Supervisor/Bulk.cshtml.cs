using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Supervisor;

/// <summary>
/// Starts a whole caseload transfer (seed 001: when an agency leaves an area, every case file is checked for transfer
/// consent). Per row, an area and its receiving case management agency are picked by name and the area's cases pasted
/// one per line, codes only (no names). The transfer service validates everything and answers with the job to follow.
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

    /// <summary>The message(s) under one key exactly ("receivers[0].cases", "receivers", "cases"), or null.</summary>
    public string? FieldError(string key) =>
        Failure?.Errors.TryGetValue(key, out var m) == true && m.Length > 0 ? string.Join(" ", m) : null;

    /// <summary>
    /// The messages beside a row's case list: one key per line and field (<c>receivers[0].cases.4.ageBand</c>), so the
    /// summary has a line, and a link, for each problem.
    /// </summary>
    public string? CasesError(int row) =>
        string.Join(" ", (Failure?.Errors ?? []).Where(e => e.Key.StartsWith($"receivers[{row}].cases.", StringComparison.Ordinal)).SelectMany(e => e.Value)) is { Length: > 0 } m ? m : null;

    /// <summary>The message(s) beside a row's area picker: the row as a whole and its area.</summary>
    public string? AreaError(int row) =>
        string.Join(" ", new[] { FieldError($"receivers[{row}]"), FieldError($"receivers[{row}].areaCode") }.Where(m => m is not null)) is { Length: > 0 } m ? m : null;

    /// <summary>Which input each summary line links to: a row's cases to its case list, its agency or area to that picker.</summary>
    public IReadOnlyDictionary<string, string> InputIds =>
        (Failure?.Errors.Keys.AsEnumerable() ?? []).ToDictionary(k => k, k => k switch
        {
            "cases" => "cases-0",
            _ when k.StartsWith("receivers[", StringComparison.Ordinal) && k.IndexOf(']', StringComparison.Ordinal) is var end and > 10
                => (k.Contains(".cases.", StringComparison.Ordinal) ? "cases-" : k.EndsWith(".agency", StringComparison.Ordinal) ? "agency-" : "area-") + k[10..end],
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
        // Each row is an area picked by name, its receiving agency, and the cases of that area: a case's area is its
        // row's, so no area code is ever typed. Where each sent case and receiver came from, to say so in words.
        var cases = new List<BulkCaseInput>();
        var caseOrigin = new List<(int Row, int Line)>();
        var receivers = new List<BulkReceiverInput>();
        var receiverRow = new List<int>();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var row = 0; row < Form.Receivers.Count; row++)
        {
            var r = Form.Receivers[row];
            var area = r.AreaCode?.Trim() ?? "";
            var agency = r.Agency?.Trim() ?? "";
            if (area.Length > 0 || agency.Length > 0)
            {
                receivers.Add(new BulkReceiverInput(area, agency));
                receiverRow.Add(row);
            }
            var lines = (r.Cases ?? "").Split('\n');
            var listed = false;
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0) continue;
                listed = true;
                var parts = line.Split(',').Select(p => p.Trim()).ToArray();
                if (parts.Length is < 4 or > 6)
                {
                    Add(errors, $"receivers[{row}].cases.{i + 1}", text["Bulk.RowLineShape", row + 1, i + 1]);
                    continue;
                }
                static List<string> Words(string[] p, int at) => p.Length > at ? [.. p[at].Split(' ', StringSplitOptions.RemoveEmptyEntries)] : [];
                cases.Add(new BulkCaseInput(parts[0], area, parts[1], parts[2], parts[3], Words(parts, 4), Words(parts, 5)));
                caseOrigin.Add((row, i + 1));
            }
            // A row is used when anything in it is filled in; then it needs both pickers, and an area once only.
            var used = listed || area.Length > 0 || agency.Length > 0;
            if (used && area.Length == 0) Add(errors, $"receivers[{row}].areaCode", text["Bulk.RowNeedsArea", row + 1]);
            else if (area.Length > 0 && receiverRow.Take(receiverRow.Count - 1).FirstOrDefault(earlier => Form.Receivers[earlier].AreaCode?.Trim() == area, -1) is var first and >= 0)
                Add(errors, $"receivers[{row}].areaCode", text["Bulk.RowAreaTwice", row + 1, first + 1]);
            if (used && agency.Length == 0) Add(errors, $"receivers[{row}].agency", text["Bulk.RowNeedsAgency", row + 1]);
        }
        if (cases.Count == 0 && errors.Count == 0) Add(errors, "cases", text["Bulk.NoCases"]);
        // Every problem the portal can see is told at once, before anything is sent.
        if (errors.Count > 0) return FormFailure.RedirectBack(this, text["Bulk.Invalid"], Final(errors));

        var key = string.IsNullOrWhiteSpace(Form.IdempotencyKey) ? Guid.NewGuid().ToString("N") : Form.IdempotencyKey;
        var result = await transfers.StartBulkAsync(new BulkTransferInput(Form.Reason, Form.Urgency, cases, receivers), key, ct);
        if (result.Ok) return Redirect($"/supervisor/bulk/{result.Value!.Id}");
        // The service names a case or receiver by its place in what was sent (cases[3].ageBand): bring each back to
        // its row and line, in words ("Row 1, line 4, age band"), never the JSON path itself.
        foreach (var (k, messages) in result.Errors)
        {
            var (list, index, field) = Position(k);
            if (list == "cases" && index is { } c && c < caseOrigin.Count)
                Add(errors, $"receivers[{caseOrigin[c].Row}].cases.{caseOrigin[c].Line}{(field.Length > 0 ? "." + field : "")}", $"{Where(text["Bulk.RowLine", caseOrigin[c].Row + 1, caseOrigin[c].Line], field)}: {string.Join(" ", messages)}");
            else if (list == "receivers" && index is { } j && j < receiverRow.Count)
                Add(errors, $"receivers[{receiverRow[j]}]{(field.Length > 0 ? "." + field : "")}", $"{Where(text["Bulk.ReceiverRow", receiverRow[j] + 1], field)}: {string.Join(" ", messages)}");
            else
                Add(errors, k, string.Join(" ", messages));
        }
        return FormFailure.RedirectBack(this, result.Title ?? text["Bulk.Failed"], Final(errors));
    }

    private static void Add(Dictionary<string, List<string>> errors, string key, string message)
    {
        if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
        list.Add(message);
    }

    private static Dictionary<string, string[]> Final(Dictionary<string, List<string>> errors) => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    /// <summary><c>cases[3].ageBand</c> → ("cases", 3, "ageBand"); a key without a position → (key, null, "").</summary>
    private static (string List, int? Index, string Field) Position(string key)
    {
        var open = key.IndexOf('[', StringComparison.Ordinal);
        var close = key.IndexOf(']', StringComparison.Ordinal);
        if (open < 0 || close < open || !int.TryParse(key[(open + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            return (key, null, "");
        return (key[..open], i, key[(close + 1)..].TrimStart('.'));
    }

    /// <summary>"Row 1, line 4" plus the field in words when the portal has a word for it.</summary>
    private string Where(string where, string field)
    {
        if (field.Length == 0) return where;
        var fieldWord = text["Bulk.Field." + field];
        return fieldWord.ResourceNotFound ? where : $"{where}, {fieldWord.Value}";
    }

    public sealed class BulkForm
    {
        public string? Reason { get; set; } = "agency-leaving-area";
        public string? Urgency { get; set; } = "medium";
        public List<ReceiverRow> Receivers { get; set; } = [.. Enumerable.Range(0, ReceiverRows).Select(_ => new ReceiverRow())];
        public string? IdempotencyKey { get; set; }
    }

    public sealed class ReceiverRow
    {
        public string? AreaCode { get; set; }
        public string? Agency { get; set; }

        /// <summary>The cases of this row's area, one per line: case code, age band, sex, risk level[, concerns[, languages]].</summary>
        public string? Cases { get; set; }
    }
}
