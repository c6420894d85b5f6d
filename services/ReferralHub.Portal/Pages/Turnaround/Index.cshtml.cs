using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Turnaround;

/// <summary>
/// The coordinators' turnaround table: anonymous figures per service type, agency, area, priority and month, filtered
/// here, downloadable as CSV. Cells under five referrals arrive as "&lt;5" from the referral service and stay so.
/// </summary>
public sealed class IndexModel(MetricsApi metrics, IStringLocalizer<PortalText> text) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Area { get; set; }
    [BindProperty(SupportsGet = true)] public string? ServiceType { get; set; }
    [BindProperty(SupportsGet = true)] public string? Agency { get; set; }
    [BindProperty(SupportsGet = true)] public string? Priority { get; set; }
    [BindProperty(SupportsGet = true)] public int Months { get; set; } = 12;

    public IReadOnlyList<TurnaroundCellView> Cells { get; private set; } = [];
    public IReadOnlyList<string> Areas { get; private set; } = [];
    public IReadOnlyList<string> ServiceTypes { get; private set; } = [];
    public IReadOnlyList<string> Agencies { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary>Why the months typed were not used, and which were; null when they were.</summary>
    public string? MonthsError { get; private set; }

    public IReadOnlyList<MonthFigures> MonthFigures { get; private set; } = [];
    public IReadOnlyList<(Band Band, int Referrals, int HiddenGroups)> ResponseBands { get; private set; } = [];
    public IReadOnlyList<(string Reason, int Declines, int HiddenGroups)> Declines { get; private set; } = [];
    public IReadOnlyList<BarChart> Charts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var csv = new StringBuilder("month,service_type,agency,area,priority,sent,accepted,declined,withdrawn,overdue,median_hours_to_response,p90_hours_to_response,median_days_to_start,p90_days_to_start,share_answered_in_time\n");
        foreach (var c in Cells)
            csv.AppendLine(string.Join(',', c.Month, c.ServiceType, c.Agency, c.Area ?? "", c.Priority, c.Sent, c.Accepted,
                Quote(string.Join("; ", c.DeclinedByReason.Select(d => $"{d.Key}={d.Value}"))), c.Withdrawn, c.Overdue,
                Num(c.MedianHoursToResponse), Num(c.P90HoursToResponse), Num(c.MedianDaysToServiceStart), Num(c.P90DaysToServiceStart), Num(c.ShareAnsweredWithinDeadline)));
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "referral-turnaround.csv");
    }

    public static string Num(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? $"\"{value.Replace("\"", "\"\"")}\"" : value;

    private async Task LoadAsync(CancellationToken ct)
    {
        // A number of months the report cannot use ("0", "abc", "99") is said beside the field, with the months shown
        // instead: never silently replaced (issue 22).
        var unreadable = ModelState.TryGetValue(nameof(Months), out var entry) && entry.Errors.Count > 0;
        if (unreadable || Months is < 1 or > 36)
        {
            Months = unreadable ? 12 : Math.Clamp(Months, 1, 36);
            MonthsError = text["Turnaround.MonthsRange", Months];
        }
        var report = await metrics.TurnaroundAsync(DateTime.UtcNow.AddMonths(-Months), null, ct);
        if (!report.Ok)
        {
            Error = report.Title ?? text["Turnaround.Unavailable"];
            return;
        }
        var all = report.Value!.Cells;
        Areas = [.. all.Select(c => c.Area ?? "").Where(a => a.Length > 0).Distinct().Order()];
        ServiceTypes = [.. all.Select(c => c.ServiceType).Distinct().Order()];
        Agencies = [.. all.Select(c => c.Agency).Distinct().Order()];
        Cells = [.. all.Where(c => (string.IsNullOrEmpty(Area) || c.Area == Area)
            && (string.IsNullOrEmpty(ServiceType) || c.ServiceType == ServiceType)
            && (string.IsNullOrEmpty(Agency) || c.Agency == Agency)
            && (string.IsNullOrEmpty(Priority) || c.Priority == Priority))
            .OrderByDescending(c => c.Month).ThenBy(c => c.ServiceType)];
        BuildCharts();
    }

    /// <summary>The charts of the filtered figures; every figure drawn is also in the tables under them.</summary>
    private void BuildCharts()
    {
        if (Cells.Count == 0) return;
        MonthFigures = TurnaroundCharts.ByMonth(Cells);
        ResponseBands = TurnaroundCharts.ResponseBands(Cells);
        Declines = TurnaroundCharts.Declines(Cells);
        string Pct(double? v) => v is { } x ? x.ToString("P0", CultureInfo.CurrentCulture) : text["Chart.NoFigure"];
        var maxBand = ResponseBands.Max(b => b.Referrals);
        var maxDecline = Declines.Count == 0 ? 0 : Declines.Max(d => d.Declines);
        Charts =
        [
            new("chart-response", text["Chart.Response"], text["Chart.ResponseDesc"],
                [.. ResponseBands.Select(b => new Bar(text["Chart.Band." + b.Band.Key], TurnaroundCharts.Scale(b.Referrals, maxBand), Figure(b.Referrals, b.HiddenGroups, "Chart.Referrals")))]),
            new("chart-accepted", text["Chart.Acceptance"], text["Chart.AcceptanceDesc"],
                [.. MonthFigures.Select(m => new Bar(m.Month, m.AcceptanceRate ?? 0, text["Chart.RateOf", Pct(m.AcceptanceRate), m.Counted]))]),
            new("chart-overdue", text["Chart.Overdue"], text["Chart.OverdueDesc"],
                [.. MonthFigures.Select(m => new Bar(m.Month, m.OverdueShare ?? 0, text["Chart.RateOf", Pct(m.OverdueShare), m.Counted]))]),
            new("chart-declines", text["Chart.Declines"], text["Chart.DeclinesDesc"],
                [.. Declines.Select(d => new Bar(DeclineLabel(d.Reason), TurnaroundCharts.Scale(d.Declines, maxDecline), Figure(d.Declines, d.HiddenGroups, "Chart.Count")))]),
        ];
    }

    /// <summary>
    /// A count that leaves out groups under 5 says so: "fewer than 5" rather than 0 when every group was small,
    /// "12, plus 2 groups of fewer than 5" when some were. Never an estimate.
    /// </summary>
    public string Figure(int exact, int hiddenGroups, string exactText = "Chart.Count") => (exact, hiddenGroups) switch
    {
        (_, 0) => text[exactText, exact],
        (0, 1) => text["Chart.UnderFive"],
        (0, var h) => text["Chart.UnderFiveGroups", h],
        var (n, h) => text["Chart.PlusUnderFive", text[exactText, n].Value, h],
    };

    public string DeclineLabel(string reason)
    {
        var label = text["Decline." + reason];
        return label.ResourceNotFound ? reason : label.Value;
    }
}
