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

    /// <summary>
    /// The report's order: month, service type, agency, area, priority, each by the default string comparer (as
    /// <c>OrderBy(c => c.Month).ThenBy(...)</c>), ties in the given order. Each field's few distinct values are compared
    /// once and the cells sorted by their ranks: a year's report has hundreds of cells, and comparing their strings
    /// culture-aware in every step of the sort took ~3 ms of it (issue 17, `scale`).
    /// </summary>
    public static List<TurnaroundCell> Order(IEnumerable<TurnaroundCell> cells)
    {
        var list = cells.ToList();
        var month = Ranks(list, c => c.Month);
        var serviceType = Ranks(list, c => c.ServiceType);
        var agency = Ranks(list, c => c.Agency);
        var area = Ranks(list, c => c.Area);
        var priority = Ranks(list, c => c.Priority);
        return list.OrderBy(c => (month(c), serviceType(c), agency(c), area(c), priority(c))).ToList();
    }

    /// <summary>A field's rank among its distinct values by the default comparer (null first, as that comparer puts it; equal values one rank).</summary>
    private static Func<TurnaroundCell, int> Ranks(List<TurnaroundCell> cells, Func<TurnaroundCell, string?> field)
    {
        var values = cells.Select(field).OfType<string>().Distinct(StringComparer.Ordinal).Order(Comparer<string>.Default).ToList();
        var ranks = new Dictionary<string, int>(values.Count, StringComparer.Ordinal);
        var rank = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0 && Comparer<string>.Default.Compare(values[i - 1], values[i]) != 0) rank++;
            ranks[values[i]] = rank;
        }
        return c => field(c) is { } value ? ranks[value] : -1;
    }

    public static TurnaroundCell Compute(TurnaroundCellKey key, IReadOnlyList<TurnaroundRow> list)
    {
        var tally = new TurnaroundTally();
        foreach (var row in list) tally.Add(row);
        return Figures(key, tally);
    }

    /// <summary>A cell's figures from what its referrals add up to (<see cref="Compute"/>, or days' tallies merged).</summary>
    public static TurnaroundCell Figures(TurnaroundCellKey key, TurnaroundTally tally)
    {
        var small = tally.Sent < SmallCell;
        var responses = tally.ResponseHours.Order().ToList();
        var starts = tally.StartDays.Order().ToList();
        return new TurnaroundCell(key.ServiceType, key.Agency, key.Area, key.Priority, key.Month,
            Count(tally.Sent),
            Count(tally.Accepted),
            // Ordered by reason so that a cell reads the same whichever order the database returned its rows in.
            tally.DeclinedByReason.OrderBy(d => d.Key, StringComparer.Ordinal).ToDictionary(d => d.Key, d => Count(d.Value)),
            Count(tally.Withdrawn),
            Count(tally.Overdue),
            small ? null : Percentile(responses, 0.5), small ? null : Percentile(responses, 0.9),
            small ? null : Percentile(starts, 0.5), small ? null : Percentile(starts, 0.9),
            small || tally.Offered == 0 ? null : Math.Round((double)tally.AnsweredInTime / tally.Offered, 3),
            // The distribution behind the median: answered referrals per band, each band under 5 shown as "<5".
            small ? null : ResponseBands.ToDictionary(b => b.Key, b => Count(responses.Count(h => BandOf(h) == b.Key))));
    }

    private static string BandOf(double hours) => ResponseBands.First(b => hours <= b.UpToHours).Key;

    private static string Count(int count) => count is > 0 and < SmallCell ? "<5" : count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
}

/// <summary>
/// What a cell's figures are computed from, added up over its referrals: counts, and the times behind the medians
/// (a median cannot be added up, the times can). The roll-up stores one per day of the month
/// (<see cref="TurnaroundMonth.DaysJson"/>), so a window that cuts the month is summed from its whole days instead of
/// re-reading the month's referrals; the figures are the same as from the referrals themselves.
/// </summary>
public sealed class TurnaroundTally
{
    public int Sent { get; set; }

    public int Accepted { get; set; }

    public Dictionary<string, int> DeclinedByReason { get; set; } = new(StringComparer.Ordinal);

    public int Withdrawn { get; set; }

    public int Overdue { get; set; }

    public int Offered { get; set; }

    /// <summary>Offered and answered by the deadline.</summary>
    public int AnsweredInTime { get; set; }

    /// <summary>Hours from offer to answer, one per answered referral.</summary>
    public List<double> ResponseHours { get; set; } = [];

    /// <summary>Days from the day of submission to the service start, one per started referral.</summary>
    public List<double> StartDays { get; set; } = [];

    public void Add(TurnaroundRow row)
    {
        Sent++;
        if (row.AcceptedAt is not null) Accepted++;
        if (row.DeclineReason is not null) DeclinedByReason[row.DeclineReason] = DeclinedByReason.GetValueOrDefault(row.DeclineReason) + 1;
        if (row.Status == ReferralStatuses.Withdrawn) Withdrawn++;
        if (row.OverdueAt is not null) Overdue++;
        if (row.OfferedAt is not null)
        {
            Offered++;
            if (row.RespondedAt is not null && row.RespondedAt <= row.DeadlineAt) AnsweredInTime++;
        }
        if (row.RespondedAt is not null && row.OfferedAt is not null) ResponseHours.Add((row.RespondedAt.Value - row.OfferedAt.Value).TotalHours);
        if (row.ServiceStartedOn is not null) StartDays.Add((row.ServiceStartedOn.Value - row.CreatedAt.Date).TotalDays);
    }

    public void Merge(TurnaroundTally other)
    {
        Sent += other.Sent;
        Accepted += other.Accepted;
        foreach (var (reason, count) in other.DeclinedByReason) DeclinedByReason[reason] = DeclinedByReason.GetValueOrDefault(reason) + count;
        Withdrawn += other.Withdrawn;
        Overdue += other.Overdue;
        Offered += other.Offered;
        AnsweredInTime += other.AnsweredInTime;
        ResponseHours.AddRange(other.ResponseHours);
        StartDays.AddRange(other.StartDays);
    }

    /// <summary>The day a referral counts in: its day of submission (UTC), as yyyy-MM-dd.</summary>
    public static string DayOf(DateTime createdAt) => createdAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Tallies per day of submission of these rows (one cell's).</summary>
    public static SortedDictionary<string, TurnaroundTally> ByDay(IEnumerable<TurnaroundRow> rows)
    {
        var days = new SortedDictionary<string, TurnaroundTally>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var day = DayOf(row.CreatedAt);
            if (!days.TryGetValue(day, out var tally)) days[day] = tally = new TurnaroundTally();
            tally.Add(row);
        }
        return days;
    }

    public static string SerializeDays(SortedDictionary<string, TurnaroundTally> days) => JsonSerializer.Serialize(days, JsonOptions);

    public static Dictionary<string, TurnaroundTally> DeserializeDays(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, TurnaroundTally>>(json, JsonOptions)!;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
