namespace ReferralHub.Portal.HubApi;

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
