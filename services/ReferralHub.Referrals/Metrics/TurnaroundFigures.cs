using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Referrals.Model;

namespace ReferralHub.Referrals.Metrics;

/// <summary>What the turnaround figures read of a referral: codes, statuses and times only (no case codes, no personal data).</summary>
public sealed record TurnaroundRow(
    string ServiceType, string Agency, string? Area, string Priority, DateTime CreatedAt, string Status, string? DeclineReason,
    DateTime? OfferedAt, DateTime? RespondedAt, DateTime? AcceptedAt, DateTime? DeadlineAt, DateTime? ServiceStartedOn, DateTime? OverdueAt)
{
    /// <summary>The projection the database runs. The referring agency is the origin: a case transfer later does not move a referral's past.</summary>
    public static readonly Expression<Func<Referral, TurnaroundRow>> FromReferral = r => new TurnaroundRow(
        r.ServiceType, r.OriginAgencyCode, r.AreaCode, r.Priority, r.CreatedAt, r.Status, r.DeclineReason,
        r.OfferedAt, r.RespondedAt, r.AcceptedAt, r.DeadlineAt, r.ServiceStartedOn, r.OverdueAt);

    public TurnaroundCellKey Key => new(TurnaroundCellKey.MonthOf(CreatedAt), ServiceType, Agency, Area, Priority);
}

/// <summary>One cell of the report: service type, referring agency, area and priority, in the month of submission.</summary>
public sealed record TurnaroundCellKey(string Month, string ServiceType, string Agency, string? Area, string Priority)
{
    public static string MonthOf(DateTime createdAt) => createdAt.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static TurnaroundCellKey Of(Referral referral) =>
        new(MonthOf(referral.CreatedAt), referral.ServiceType, referral.OriginAgencyCode, referral.AreaCode, referral.Priority);

    /// <summary>The key as one unambiguous string (a JSON array), the roll-up's primary key.</summary>
    public string Text => JsonSerializer.Serialize(new[] { Month, ServiceType, Agency, Area, Priority });

    public static TurnaroundCellKey Parse(string text)
    {
        var parts = JsonSerializer.Deserialize<string?[]>(text)!;
        return new(parts[0]!, parts[1]!, parts[2]!, parts[3], parts[4]!);
    }

    public DateTime MonthStart => DateTime.SpecifyKind(DateTime.ParseExact(Month, "yyyy-MM", CultureInfo.InvariantCulture), DateTimeKind.Utc);
}

/// <summary>
/// The one computation of a cell's figures, from its referrals. The report uses it for cells it reads from the
/// database; the roll-up (<see cref="TurnaroundRollup"/>) stores its result per cell and month, so both give the same figures.
/// </summary>
public static class TurnaroundFigures
{
    public const int SmallCell = 5;

    /// <summary>Bands of the time from offer to answer, at the priority deadlines (seed 000: 24 hours, 3 days, 1 week).</summary>
    public static readonly IReadOnlyList<(string Key, double UpToHours)> ResponseBands =
        [("within-24h", 24), ("within-3d", 72), ("within-7d", 168), ("over-7d", double.MaxValue)];

    /// <summary>Cells of these rows, grouped by cell key, in the report's order.</summary>
    public static List<TurnaroundCell> Cells(IEnumerable<TurnaroundRow> rows) =>
        Order(rows.GroupBy(r => r.Key).Select(g => Compute(g.Key, g.ToList())));

    /// <summary>The report's order: month, service type, agency, area, priority.</summary>
    public static List<TurnaroundCell> Order(IEnumerable<TurnaroundCell> cells) =>
        cells.OrderBy(c => c.Month).ThenBy(c => c.ServiceType).ThenBy(c => c.Agency).ThenBy(c => c.Area).ThenBy(c => c.Priority).ToList();

    public static TurnaroundCell Compute(TurnaroundCellKey key, IReadOnlyList<TurnaroundRow> list)
    {
        var small = list.Count < SmallCell;
        var responses = list.Where(r => r.RespondedAt is not null && r.OfferedAt is not null)
            .Select(r => (r.RespondedAt!.Value - r.OfferedAt!.Value).TotalHours).Order().ToList();
        var starts = list.Where(r => r.ServiceStartedOn is not null).Select(r => (r.ServiceStartedOn!.Value - r.CreatedAt.Date).TotalDays).Order().ToList();
        var offered = list.Where(r => r.OfferedAt is not null).ToList();
        var inTime = offered.Count(r => r.RespondedAt is not null && r.RespondedAt <= r.DeadlineAt);
        return new TurnaroundCell(key.ServiceType, key.Agency, key.Area, key.Priority, key.Month,
            Count(list.Count),
            Count(list.Count(r => r.AcceptedAt is not null)),
            // Ordered by reason so that a cell reads the same whichever order the database returned its rows in.
            list.Where(r => r.DeclineReason is not null).GroupBy(r => r.DeclineReason!).OrderBy(d => d.Key, StringComparer.Ordinal)
                .ToDictionary(d => d.Key, d => Count(d.Count())),
            Count(list.Count(r => r.Status == ReferralStatuses.Withdrawn)),
            Count(list.Count(r => r.OverdueAt is not null)),
            small ? null : Percentile(responses, 0.5), small ? null : Percentile(responses, 0.9),
            small ? null : Percentile(starts, 0.5), small ? null : Percentile(starts, 0.9),
            small || offered.Count == 0 ? null : Math.Round((double)inTime / offered.Count, 3),
            // The distribution behind the median: answered referrals per band, each band under 5 shown as "<5".
            small ? null : ResponseBands.ToDictionary(b => b.Key, b => Count(responses.Count(h => BandOf(h) == b.Key))));
    }

    private static string BandOf(double hours) => ResponseBands.First(b => hours <= b.UpToHours).Key;

    private static string Count(int count) => count is > 0 and < SmallCell ? "<5" : count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
}
