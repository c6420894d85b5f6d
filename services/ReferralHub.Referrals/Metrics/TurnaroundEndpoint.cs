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
            var (lo, hi) = (month < start ? start : month, next);
            var rows = await db.Referrals.AsNoTracking().Where(r => r.CreatedAt >= lo && r.CreatedAt < hi && r.CreatedAt <= end)
                .Select(TurnaroundRow.FromReferral).ToListAsync(cancellationToken);
            cells.AddRange(TurnaroundFigures.Cells(rows));
        }

        if (whole.Count > 0)
        {
            var (first, last) = (whole[0], whole[^1]);
            var stale = await db.Set<TurnaroundStaleCell>().AsNoTracking()
                .Where(m => string.Compare(m.Month, first) >= 0 && string.Compare(m.Month, last) <= 0)
                .Select(m => m.Cell).Distinct().ToListAsync(cancellationToken);
            var staleSet = stale.Select(c => TurnaroundCellKey.Parse(c).Text).ToHashSet(StringComparer.Ordinal);
            var stored = await db.Set<TurnaroundMonth>().AsNoTracking()
                .Where(m => string.Compare(m.Month, first) >= 0 && string.Compare(m.Month, last) <= 0)
                .Select(m => new { m.Cell, m.FiguresJson }).ToListAsync(cancellationToken);
            cells.AddRange(stored.Where(m => !staleSet.Contains(m.Cell)).Select(m => TurnaroundRollup.Deserialize(m.FiguresJson)));
            foreach (var cell in staleSet)
                if (await TurnaroundRollup.ComputeAsync(db, TurnaroundCellKey.Parse(cell), cancellationToken) is { } figures) cells.Add(figures);
        }

        return TurnaroundFigures.Order(cells);
    }
}
