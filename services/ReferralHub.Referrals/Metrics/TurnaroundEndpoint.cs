using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Metrics;

/// <summary>
/// One cell of the coordinators' turnaround table. Counts are strings so that a cell of fewer than five referrals
/// shows "&lt;5" (small numbers can identify a child); its times and shares are then withheld too.
/// </summary>
public sealed record TurnaroundCell(
    string ServiceType,
    string Agency,
    string? Area,
    string Priority,
    string Month,
    string Sent,
    string Accepted,
    IReadOnlyDictionary<string, string> DeclinedByReason,
    string Withdrawn,
    string Overdue,
    double? MedianHoursToResponse,
    double? P90HoursToResponse,
    double? MedianDaysToServiceStart,
    double? P90DaysToServiceStart,
    double? ShareAnsweredWithinDeadline,
    IReadOnlyDictionary<string, string>? AnsweredWithin = null);

public sealed record TurnaroundReport(DateTime From, DateTime To, int SmallCellThreshold, IReadOnlyList<TurnaroundCell> Cells);

public static class TurnaroundEndpoint
{
    public const int SmallCell = TurnaroundFigures.SmallCell;

    public static IEndpointRouteBuilder MapTurnaround(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/metrics/turnaround", GetAsync).RequireAuthorization(p => p.RequireRole(Roles.Coordinator))
            .WithTags("Metrics").WithName("Turnaround")
            .WithSummary("Anonymous turnaround figures per service type, agency, area, priority and month; cells under 5 shown as \"<5\".");
        return app;
    }

    private static async Task<Results<Ok<TurnaroundReport>, ValidationProblem>> GetAsync(
        ReferralsDbContext db, TimeProvider clock, DateTime? from, DateTime? to, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var end = (to ?? now).ToUniversalTime();
        // Default: the last 12 calendar months, this one included — whole months, so the report reads only the roll-up.
        var start = (from ?? new DateTime(end.Year, end.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-11)).ToUniversalTime();
        if (start > end) return Problems.Invalid("from", "must not be after 'to'");
        if (end - start > TimeSpan.FromDays(3 * 366)) return Problems.Invalid("from", "at most three years at once");
        return TypedResults.Ok(new TurnaroundReport(start, end, SmallCell, await ReadAsync(db, start, end, now, cancellationToken)));
    }

    /// <summary>
    /// The cells of referrals created in [start, end]. A month wholly inside the window is read from the roll-up (its
    /// stale cells recomputed here from their referrals, so the answer is exact even before the roll-up sweep ran); a
    /// month the window cuts is computed from its referrals in the window.
    /// </summary>
    public static async Task<List<TurnaroundCell>> ReadAsync(ReferralsDbContext db, DateTime start, DateTime end, DateTime now, CancellationToken cancellationToken)
    {
        var cells = new List<TurnaroundCell>();
        var whole = new List<string>();
        for (var month = new DateTime(start.Year, start.Month, 1, 0, 0, 0, DateTimeKind.Utc); month <= end; month = month.AddMonths(1))
        {
            var next = month.AddMonths(1);
            // Whole when no referral of the month can fall outside the window: none before start, none after end
            // (a month ending by 'end', or 'end' not before now: nothing is created in the future).
            if (month >= start && (next <= end || end >= now)) { whole.Add(TurnaroundCellKey.MonthOf(month)); continue; }
            cells.AddRange(await CutMonthAsync(db, month, start, end, now, cancellationToken));
        }

        if (whole.Count > 0)
        {
            var (first, last) = (whole[0], whole[^1]);
            var stale = await db.Set<TurnaroundStaleCell>().AsNoTracking()
                .Where(m => string.Compare(m.Month, first) >= 0 && string.Compare(m.Month, last) <= 0)
                .Select(m => m.Cell).Distinct().ToListAsync(cancellationToken);
            var staleSet = stale.Select(c => TurnaroundCellKey.Parse(c).Text).ToHashSet(StringComparer.Ordinal);
            var stored = await TurnaroundRollup.MonthsBetween(db, first, last)
                .Select(m => new { m.Cell, m.FiguresJson }).ToListAsync(cancellationToken);
            cells.AddRange(stored.Where(m => !staleSet.Contains(m.Cell)).Select(m => TurnaroundRollup.Deserialize(m.FiguresJson)));
            foreach (var cell in staleSet)
                if (await TurnaroundRollup.ComputeAsync(db, TurnaroundCellKey.Parse(cell), cancellationToken) is { } figures) cells.Add(figures);
        }

        return TurnaroundFigures.Order(cells);
    }

    /// <summary>
    /// The cells of a month the window cuts (referrals created in [start, end] of it). Its whole days inside the window
    /// are added up from the roll-up's day tallies (<see cref="TurnaroundMonth.DaysJson"/>), the cut days' referrals
    /// are read; a cell whose stored tallies are stale (or missing) is computed from its referrals in the window. So
    /// "the last 30 days" no longer reads a month of referrals (issue 17, `scale`), and the figures stay exact.
    /// </summary>
    private static async Task<List<TurnaroundCell>> CutMonthAsync(
        ReferralsDbContext db, DateTime month, DateTime start, DateTime end, DateTime now, CancellationToken cancellationToken)
    {
        var next = month.AddMonths(1);
        var lo = month < start ? start : month;
        // Whole days: [wholeFrom, wholeTo). A day is whole when none of its referrals can be outside the window.
        var wholeFrom = lo == lo.Date ? lo : lo.Date.AddDays(1);
        var wholeTo = end >= now ? next : end.AddTicks(1).Date;
        if (wholeTo > next) wholeTo = next;
        if (wholeFrom >= wholeTo)
            return TurnaroundFigures.Cells(await db.Referrals.AsNoTracking().Where(r => r.CreatedAt >= lo && r.CreatedAt < next && r.CreatedAt <= end)
                .Select(TurnaroundRow.FromReferral).ToListAsync(cancellationToken));

        var monthText = TurnaroundCellKey.MonthOf(month);
        var stale = (await db.Set<TurnaroundStaleCell>().AsNoTracking().Where(m => m.Month == monthText).Select(m => m.Cell).Distinct().ToListAsync(cancellationToken))
            .Select(c => TurnaroundCellKey.Parse(c).Text).ToHashSet(StringComparer.Ordinal);
        var stored = await TurnaroundRollup.MonthsBetween(db, monthText, monthText)
            .Select(m => new { m.Cell, m.DaysJson }).ToListAsync(cancellationToken);
        // The referrals of the cut days, before wholeFrom and from wholeTo on (each an indexed range on CreatedAt).
        var cutRows = await db.Referrals.AsNoTracking().Where(r => r.CreatedAt >= lo && r.CreatedAt < wholeFrom)
            .Select(TurnaroundRow.FromReferral).ToListAsync(cancellationToken);
        cutRows.AddRange(await db.Referrals.AsNoTracking().Where(r => r.CreatedAt >= wholeTo && r.CreatedAt < next && r.CreatedAt <= end)
            .Select(TurnaroundRow.FromReferral).ToListAsync(cancellationToken));
        var cutByCell = cutRows.GroupBy(r => r.Key.Text, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        // Cells read from their referrals: stale ones, ones stored without days, and any not stored at all.
        var fromRows = new HashSet<string>(stale, StringComparer.Ordinal);
        foreach (var m in stored) if (m.DaysJson is null) fromRows.Add(m.Cell);
        var storedCells = stored.Select(m => m.Cell).ToHashSet(StringComparer.Ordinal);
        foreach (var cell in cutByCell.Keys) if (!storedCells.Contains(cell)) fromRows.Add(cell);

        var cells = new List<TurnaroundCell>();
        var (firstDay, endDay) = (TurnaroundTally.DayOf(wholeFrom), TurnaroundTally.DayOf(wholeTo));
        foreach (var m in stored.Where(m => !fromRows.Contains(m.Cell)))
        {
            var tally = new TurnaroundTally();
            foreach (var (day, dayTally) in TurnaroundTally.DeserializeDays(m.DaysJson!))
                if (string.CompareOrdinal(day, firstDay) >= 0 && string.CompareOrdinal(day, endDay) < 0) tally.Merge(dayTally);
            if (cutByCell.TryGetValue(m.Cell, out var rows)) foreach (var row in rows) tally.Add(row);
            if (tally.Sent > 0) cells.Add(TurnaroundFigures.Figures(TurnaroundCellKey.Parse(m.Cell), tally));
        }
        foreach (var cell in fromRows)
        {
            var key = TurnaroundCellKey.Parse(cell);
            var rows = (await TurnaroundRollup.RowsAsync(db, key, lo, next, cancellationToken)).Where(r => r.CreatedAt <= end).ToList();
            if (rows.Count > 0) cells.Add(TurnaroundFigures.Compute(key, rows));
        }
        return cells;
    }
}
