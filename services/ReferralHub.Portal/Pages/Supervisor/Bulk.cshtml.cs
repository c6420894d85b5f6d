using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Supervisor;

/// <summary>
/// Starts a whole caseload transfer (seed 001: when an agency leaves an area, every case file is checked for transfer
/// consent). Per row, an area and its receiving case management agency are picked by name, and under it that area's
/// cases, one small set of boxes each: the case code typed (codes only, never names), age, sex and risk level chosen
/// from lists, protection concerns and languages ticked. An area may have no receiving agency yet: its cases are still
/// checked and reported as not handed over. More rows and more cases are added by a button that keeps everything typed
/// (no script). The transfer service validates everything again and answers with the job to follow.
/// </summary>
public sealed partial class BulkModel(TransfersApi transfers, IStringLocalizer<PortalText> text, Localisation.CodeText names) : PageModel
{
    public static readonly string[] Reasons = ["agency-leaving-area", "child-moved", "mandate-change", "better-placed-agency"];
    public static IReadOnlyList<string> Urgencies => ReferralHub.Contracts.Taxonomy.TransferUrgencies.All;
    public static IReadOnlyList<string> AgeBands => ReferralHub.Contracts.Taxonomy.AgeBands.All;
    public static IReadOnlyList<string> RiskLevels => ReferralHub.Contracts.Taxonomy.RiskLevels.All;

    /// <summary>The sexes the transfer service takes in a capacity summary (its TransferCodes.Sexes; a test keeps them equal).</summary>
    public static readonly string[] Sexes = ["female", "male", "other", "unknown"];

    /// <summary>A new form's rows, and the case lines a new row (or "more cases") brings.</summary>
    public const int FirstRows = 1, CasesPerStep = 3;

    /// <summary>
    /// Bounds on what one form holds, so the kept values still fit the cookie that carries them across the redirect; a
    /// larger caseload is sent in several jobs, or by the agency's own system through the API.
    /// </summary>
    public const int MaxRows = 10, MaxCasesPerRow = 60;

    [BindProperty] public BulkForm Form { get; set; } = new();

    public string? Error { get; private set; }

    /// <summary>The refused start, brought back by post/redirect/get: every problem at once, in words, with what was typed.</summary>
    public FormFailure? Failure { get; private set; }

    /// <summary>The message(s) under one key exactly ("receivers[0].agency", "receivers", "cases"), or null.</summary>
    public string? FieldError(string key) =>
        Failure?.Errors.TryGetValue(key, out var m) == true && m.Length > 0 ? string.Join(" ", m) : null;

    /// <summary>The messages beside one case: every key of that case (<c>receivers[0].cases[4].ageBand</c>…).</summary>
    public string? CaseError(int row, int line) =>
        string.Join(" ", (Failure?.Errors ?? []).Where(e => e.Key.StartsWith(CaseKey(row, line), StringComparison.Ordinal)).SelectMany(e => e.Value)) is { Length: > 0 } m ? m : null;

    /// <summary>Whether a field of one case was refused (its picker then opens, so the summary's link lands on it).</summary>
    public bool CaseFieldRefused(int row, int line, string field) => Failure?.Errors.ContainsKey($"{CaseKey(row, line)}.{field}") == true;

    /// <summary>The message(s) beside a row's area picker: the row as a whole and its area.</summary>
    public string? AreaError(int row) =>
        string.Join(" ", new[] { FieldError($"receivers[{row}]"), FieldError($"receivers[{row}].areaCode") }.Where(m => m is not null)) is { Length: > 0 } m ? m : null;

    private static string CaseKey(int row, int line) => $"receivers[{row}].cases[{line}]";

    /// <summary>The id of a case's input for a field of the API (caseCode → case-0-2-code).</summary>
    public static string CaseInputId(int row, int line, string field) => $"case-{row}-{line}-" + field switch
    {
        "ageBand" => "age",
        "sex" => "sex",
        "riskLevel" => "risk",
        "protectionConcerns" => "concerns",
        "languages" => "languages",
        _ => "code",
    };

    /// <summary>Which input each summary line links to: a case's field, a row's area or agency picker.</summary>
    public IReadOnlyDictionary<string, string> InputIds =>
        (Failure?.Errors.Keys.AsEnumerable() ?? []).ToDictionary(k => k, k => k switch
        {
            "cases" => CaseInputId(0, 0, "caseCode"),
            "receivers" => "agency-0",
            _ when CasePlace().Match(k) is { Success: true } m
                => CaseInputId(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Value),
            _ when RowPlace().Match(k) is { Success: true } m
                => (m.Groups[2].Value == "agency" ? "agency-" : "area-") + m.Groups[1].Value,
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
        if (Failure is { Values.Count: > 0 })
        {
            Form.Receivers = [];
            await TryUpdateModelAsync(Form, nameof(Form), Failure.AsValueProvider());
            ModelState.Clear();
            Grow(Form, Form.More);
        }
        // "More rows" comes back the same way, with no problem to tell.
        if (Failure is { Errors.Count: 0 }) Failure = null;
        Form.More = null;
        if (Form.Receivers.Count == 0) Form.Receivers.Add(NewRow());
        return Page();
    }

    /// <summary>
    /// "Add another area" / "Add cases to row N": nothing is sent; the form comes back by post/redirect/get with
    /// everything kept, the new boxes added (once: a reload shows the empty form, as after a refused start), and the page
    /// scrolled to them.
    /// </summary>
    public IActionResult OnPostMore()
    {
        var fragment = Form.More switch
        {
            "area" => $"row-{Math.Min(Form.Receivers.Count, MaxRows - 1)}",
            { } m when m.StartsWith("cases-", StringComparison.Ordinal) && int.TryParse(m[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row < Form.Receivers.Count
                => $"case-{row}-{Math.Min(Form.Receivers[row].Cases.Count, MaxCasesPerRow - 1)}",
            _ => null,
        };
        return FormFailure.RedirectBack(this, null, new Dictionary<string, string[]>(), fragment: fragment);
    }

    /// <summary>Adds what "more" asked for, within the bounds.</summary>
    private static void Grow(BulkForm form, string? more)
    {
        if (form.Receivers.Count > MaxRows) form.Receivers.RemoveRange(MaxRows, form.Receivers.Count - MaxRows);
        foreach (var r in form.Receivers)
            if (r.Cases.Count > MaxCasesPerRow) r.Cases.RemoveRange(MaxCasesPerRow, r.Cases.Count - MaxCasesPerRow);
        if (more == "area" && form.Receivers.Count < MaxRows) form.Receivers.Add(NewRow());
        else if (more?.StartsWith("cases-", StringComparison.Ordinal) == true
                 && int.TryParse(more[6..], NumberStyles.None, CultureInfo.InvariantCulture, out var row) && row < form.Receivers.Count)
        {
            var cases = form.Receivers[row].Cases;
            for (var i = 0; i < CasesPerStep && cases.Count < MaxCasesPerRow; i++) cases.Add(new CaseLine());
        }
    }

    private static ReceiverRow NewRow() => new() { Cases = [.. Enumerable.Range(0, CasesPerStep).Select(_ => new CaseLine())] };

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Each row is an area picked by name, its receiving agency (or none yet), and the cases of that area: a case's
        // area is its row's, so no area code is ever typed. Where each sent case and receiver came from, to say so in words.
        var cases = new List<BulkCaseInput>();
        var caseOrigin = new List<(int Row, int Line)>();
        var receivers = new List<BulkReceiverInput>();
        var receiverRow = new List<int>();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var rows = Form.Receivers.Take(MaxRows).ToList();
        for (var row = 0; row < rows.Count; row++)
        {
            var r = rows[row];
            var area = r.AreaCode?.Trim() ?? "";
            var agency = r.Agency?.Trim() ?? "";
            if (area.Length > 0 && agency.Length > 0)
            {
                receivers.Add(new BulkReceiverInput(area, agency));
                receiverRow.Add(row);
            }
            var listed = false;
            var lines = r.Cases.Take(MaxCasesPerRow).ToList();
            for (var line = 0; line < lines.Count; line++)
            {
                var c = lines[line];
                var code = c.CaseCode?.Trim() ?? "";
                var concerns = c.Concerns.Where(x => !string.IsNullOrWhiteSpace(x)).Distinct(StringComparer.Ordinal).ToList();
                var languages = c.Languages.Where(x => !string.IsNullOrWhiteSpace(x)).Distinct(StringComparer.Ordinal).ToList();
                // Boxes left empty are not a case; a case begun is told what it still lacks, each field on its own.
                if (code.Length == 0 && string.IsNullOrEmpty(c.AgeBand) && string.IsNullOrEmpty(c.Sex) && string.IsNullOrEmpty(c.RiskLevel) && concerns.Count == 0 && languages.Count == 0)
                    continue;
                listed = true;
                var key = CaseKey(row, line);
                var missing = false;
                foreach (var (value, field, message) in new[]
                         {
                             (code, "caseCode", "Bulk.CaseNeedsCode"), (c.AgeBand, "ageBand", "Bulk.CaseNeedsAge"),
                             (c.Sex, "sex", "Bulk.CaseNeedsSex"), (c.RiskLevel, "riskLevel", "Bulk.CaseNeedsRisk"),
                         })
                    if (string.IsNullOrEmpty(value))
                    {
                        Add(errors, $"{key}.{field}", text[message, row + 1, line + 1]);
                        missing = true;
                    }
                if (missing) continue;
                cases.Add(new BulkCaseInput(code, area, c.AgeBand!, c.Sex!, c.RiskLevel!, concerns, languages));
                caseOrigin.Add((row, line));
            }
            // A row with cases needs its area, once; its receiving agency may be left for later (the report says so).
            var used = listed || area.Length > 0 || agency.Length > 0;
            if (used && area.Length == 0) Add(errors, $"receivers[{row}].areaCode", text["Bulk.RowNeedsArea", row + 1]);
            else if (area.Length > 0 && rows.Take(row).Select((earlier, at) => (earlier, at)).FirstOrDefault(e => e.earlier.AreaCode?.Trim() == area) is { earlier: not null } first)
                Add(errors, $"receivers[{row}].areaCode", text["Bulk.RowAreaTwice", row + 1, first.at + 1]);
        }
        if (cases.Count == 0 && errors.Count == 0) Add(errors, "cases", text["Bulk.NoCases"]);
        // The service needs one receiving agency at least: none at all is surely a slip, told before anything is sent.
        if (receivers.Count == 0 && rows.Any(r => !string.IsNullOrWhiteSpace(r.AreaCode))) Add(errors, "receivers", text["Bulk.NoReceiverAtAll"]);
        // Every problem the portal can see is told at once, before anything is sent.
        if (errors.Count > 0) return FormFailure.RedirectBack(this, text["Bulk.Invalid"], Final(errors));

        var idempotencyKey = string.IsNullOrWhiteSpace(Form.IdempotencyKey) ? Guid.NewGuid().ToString("N") : Form.IdempotencyKey;
        var result = await transfers.StartBulkAsync(new BulkTransferInput(Form.Reason, Form.Urgency, cases, receivers), idempotencyKey, ct);
        if (result.Ok) return Redirect($"/supervisor/bulk/{result.Value!.Id}");
        // The service names a case or receiver by its place in what was sent (cases[3].ageBand): bring each back to
        // its row and case, in words ("Row 1, case 4, age"), never the JSON path itself.
        foreach (var (k, messages) in result.Errors)
        {
            var (list, index, field) = Position(k);
            if (list == "cases" && index is { } c && c < caseOrigin.Count)
                Add(errors, $"{CaseKey(caseOrigin[c].Row, caseOrigin[c].Line)}{(field.Length > 0 ? "." + field : "")}", $"{Where(text["Bulk.RowCase", caseOrigin[c].Row + 1, caseOrigin[c].Line + 1], field)}: {string.Join(" ", messages)}");
            else if (list == "receivers" && index is { } j && j < receiverRow.Count)
                Add(errors, $"receivers[{receiverRow[j]}]{(field.Length > 0 ? "." + field : "")}", ReceiverMessage(receiverRow[j], field, messages));
            else
                Add(errors, k, string.Join(" ", messages));
        }
        return FormFailure.RedirectBack(this, result.Title ?? text["Bulk.Failed"], Final(errors));
    }

    /// <summary>
    /// What the service said of a row's area or agency, in words with their names: its own messages quote the codes
    /// ("'agency-b' is not a case management agency accepting cases in area 'demo-camp-1'").
    /// </summary>
    private string ReceiverMessage(int row, string field, string[] messages)
    {
        var r = Form.Receivers[row];
        return field switch
        {
            "agency" when messages.Any(m => m.Contains("own agency", StringComparison.Ordinal)) => text["Bulk.RowOwnAgency", row + 1],
            "agency" => text["Bulk.RowAgencyNotThere", row + 1, names.Agency(r.Agency), names.Area(r.AreaCode)],
            "areaCode" => text["Bulk.RowAreaUnknown", row + 1],
            _ => $"{text["Bulk.Row", row + 1]}: {string.Join(" ", messages)}",
        };
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
        public List<ReceiverRow> Receivers { get; set; } = [.. Enumerable.Range(0, FirstRows).Select(_ => NewRow())];
        public string? IdempotencyKey { get; set; }

        /// <summary>The "more" button pressed: "area" for another row, "cases-{row}" for more case boxes in a row.</summary>
        public string? More { get; set; }
    }

    public sealed class ReceiverRow
    {
        public string? AreaCode { get; set; }
        public string? Agency { get; set; }

        /// <summary>The cases of this row's area, one set of boxes each.</summary>
        public List<CaseLine> Cases { get; set; } = [];
    }

    /// <summary>One case's non-personal capacity summary: its code and what the receiving agency needs to plan.</summary>
    public sealed class CaseLine
    {
        public string? CaseCode { get; set; }
        public string? AgeBand { get; set; }
        public string? Sex { get; set; }
        public string? RiskLevel { get; set; }
        public List<string> Concerns { get; set; } = [];
        public List<string> Languages { get; set; } = [];
    }

    /// <summary><c>receivers[0].cases[2].ageBand</c>: row, case, field.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^receivers\[(\d+)\]\.cases\[(\d+)\]\.?(\w*)$")]
    private static partial System.Text.RegularExpressions.Regex CasePlace();

    /// <summary><c>receivers[0].agency</c>, <c>receivers[0].areaCode</c>, <c>receivers[0]</c>: row, field.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^receivers\[(\d+)\]\.?(\w*)$")]
    private static partial System.Text.RegularExpressions.Regex RowPlace();
}
