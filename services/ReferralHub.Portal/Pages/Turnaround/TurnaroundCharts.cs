using System.Globalization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Turnaround;

/// <summary>One bar: its label, its length (0..1 of the chart's width) and the figure written beside it.</summary>
public sealed record Bar(string Label, double Length, string Figure);

/// <summary>A horizontal bar chart drawn as inline SVG on the server; the figures are also in a table below it.</summary>
public sealed record BarChart(string Id, string Title, string Description, IReadOnlyList<Bar> Bars);

/// <summary>Month-by-month figures computed only from groups whose counts are exact (groups under 5 stay hidden).</summary>
public sealed record MonthFigures(string Month, int Counted, int Accepted, int Overdue, int HiddenGroups)
{
    public double? AcceptanceRate => Counted == 0 ? null : (double)Accepted / Counted;

    public double? OverdueShare => Counted == 0 ? null : (double)Overdue / Counted;
}

public sealed record Band(string Key, double UpToHours);

/// <summary>
/// Turns the anonymous turnaround cells into chart series. Cells of fewer than five referrals arrive as "&lt;5" with
/// no times: they are left out of every sum (and counted as hidden groups), never estimated, so no chart can reveal
/// a small number.
/// </summary>
public static class TurnaroundCharts
{
    /// <summary>Bands of the time to answer (priority deadlines: 24 h, 3 days, 1 week), as the turnaround API counts them.</summary>
    public static readonly IReadOnlyList<Band> Bands =
        [new("within-24h", 24), new("within-3d", 72), new("within-7d", 168), new("over-7d", double.MaxValue)];

    public static int? Exact(string count) => int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static IReadOnlyList<MonthFigures> ByMonth(IEnumerable<TurnaroundCellView> cells) =>
    [
        .. cells.GroupBy(c => c.Month).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            int counted = 0, accepted = 0, overdue = 0, hidden = 0;
            foreach (var c in g)
            {
                if (Exact(c.Sent) is { } sent && Exact(c.Accepted) is { } a && Exact(c.Overdue) is { } o)
                {
                    counted += sent;
                    accepted += a;
                    overdue += o;
                }
                else hidden++;
            }
            return new MonthFigures(g.Key, counted, accepted, overdue, hidden);
        }),
    ];

    /// <summary>
    /// Answered referrals by how long the provider took after the offer (the API's per-group distribution); a band count
    /// under 5 in a group ("&lt;5") is left out, never estimated.
    /// </summary>
    public static IReadOnlyList<(Band Band, int Referrals, int HiddenGroups)> ResponseBands(IEnumerable<TurnaroundCellView> cells)
    {
        var sums = Bands.ToDictionary(b => b.Key, _ => (Count: 0, Hidden: 0));
        foreach (var c in cells)
            foreach (var (band, count) in c.AnsweredWithin ?? [])
                if (sums.TryGetValue(band, out var now)) sums[band] = Exact(count) is { } n ? (now.Count + n, now.Hidden) : (now.Count, now.Hidden + 1);
        return [.. Bands.Select(b => (b, sums[b.Key].Count, sums[b.Key].Hidden))];
    }

    /// <summary>Declines per reason, summed over the groups where that reason's count is exact.</summary>
    public static IReadOnlyList<(string Reason, int Declines, int HiddenGroups)> Declines(IEnumerable<TurnaroundCellView> cells)
    {
        var sums = new Dictionary<string, (int Count, int Hidden)>(StringComparer.Ordinal);
        foreach (var c in cells)
            foreach (var (reason, count) in c.DeclinedByReason)
            {
                var now = sums.GetValueOrDefault(reason);
                sums[reason] = Exact(count) is { } n ? (now.Count + n, now.Hidden) : (now.Count, now.Hidden + 1);
            }
        return [.. sums.OrderByDescending(s => s.Value.Count).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.Count, s.Value.Hidden))];
    }

    public static double Scale(int value, int max) => max <= 0 ? 0 : (double)value / max;
}
