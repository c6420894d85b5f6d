namespace ReferralHub.Portal.HubApi;

/// <summary>One anonymous turnaround cell (counts are text: "&lt;5" hides small numbers that could identify a child).</summary>
public sealed record TurnaroundCellView(
    string ServiceType, string Agency, string? Area, string Priority, string Month, string Sent, string Accepted,
    Dictionary<string, string> DeclinedByReason, string Withdrawn, string Overdue,
    double? MedianHoursToResponse, double? P90HoursToResponse, double? MedianDaysToServiceStart, double? P90DaysToServiceStart,
    double? ShareAnsweredWithinDeadline,
    Dictionary<string, string>? AnsweredWithin = null);

public sealed record TurnaroundReportView(DateTime From, DateTime To, int SmallCellThreshold, List<TurnaroundCellView> Cells);

public sealed class MetricsApi(HubApiClient api)
{
    public async Task<ApiResult<TurnaroundReportView>> TurnaroundAsync(DateTime? from, DateTime? to, CancellationToken ct)
    {
        var query = new List<string>();
        if (from is { } f) query.Add("from=" + Uri.EscapeDataString(f.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        if (to is { } t) query.Add("to=" + Uri.EscapeDataString(t.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)));
        var url = "api/v1/metrics/turnaround" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        return await ApiResult<TurnaroundReportView>.ReadAsync(await api.Http.GetAsync(url, ct), ct);
    }
}
