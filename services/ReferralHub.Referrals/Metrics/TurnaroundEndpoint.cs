using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
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
    public const int SmallCell = 5;

    /// <summary>Bands of the time from offer to answer, at the priority deadlines (seed 000: 24 hours, 3 days, 1 week).</summary>
    public static readonly IReadOnlyList<(string Key, double UpToHours)> ResponseBands =
        [("within-24h", 24), ("within-3d", 72), ("within-7d", 168), ("over-7d", double.MaxValue)];

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
        var end = (to ?? clock.GetUtcNow().UtcDateTime).ToUniversalTime();
        var start = (from ?? end.AddMonths(-12)).ToUniversalTime();
        if (start > end) return Problems.Invalid("from", "must not be after 'to'");
        if (end - start > TimeSpan.FromDays(3 * 366)) return Problems.Invalid("from", "at most three years at once");

        // Only codes, statuses and times are read: no case codes, no personal data.
        // The referring agency is the origin: a case transfer later does not move a referral's past between agencies.
        var rows = await db.Referrals.AsNoTracking().Where(r => r.CreatedAt >= start && r.CreatedAt <= end)
            .Select(r => new { r.ServiceType, AgencyCode = r.OriginAgencyCode, r.AreaCode, r.Priority, r.CreatedAt, r.Status, r.DeclineReason, r.OfferedAt, r.RespondedAt,
                r.AcceptedAt, r.DeadlineAt, r.ServiceStartedOn, r.Overdue, r.OverdueAt })
            .ToListAsync(cancellationToken);
        var cells = rows
            .GroupBy(r => (r.ServiceType, r.AgencyCode, r.AreaCode, r.Priority, Month: r.CreatedAt.ToString("yyyy-MM", CultureInfo.InvariantCulture)))
            .OrderBy(g => g.Key.Month).ThenBy(g => g.Key.ServiceType).ThenBy(g => g.Key.AgencyCode).ThenBy(g => g.Key.AreaCode).ThenBy(g => g.Key.Priority)
            .Select(g =>
            {
                var list = g.ToList();
                var small = list.Count < SmallCell;
                var responses = list.Where(r => r.RespondedAt is not null && r.OfferedAt is not null)
                    .Select(r => (r.RespondedAt!.Value - r.OfferedAt!.Value).TotalHours).Order().ToList();
                var starts = list.Where(r => r.ServiceStartedOn is not null).Select(r => (r.ServiceStartedOn!.Value - r.CreatedAt.Date).TotalDays).Order().ToList();
                var offered = list.Where(r => r.OfferedAt is not null).ToList();
                var inTime = offered.Count(r => r.RespondedAt is not null && r.RespondedAt <= r.DeadlineAt);
                return new TurnaroundCell(g.Key.ServiceType, g.Key.AgencyCode, g.Key.AreaCode, g.Key.Priority, g.Key.Month,
                    Count(list.Count),
                    Count(list.Count(r => r.AcceptedAt is not null)),
                    list.Where(r => r.DeclineReason is not null).GroupBy(r => r.DeclineReason!).ToDictionary(d => d.Key, d => Count(d.Count())),
                    Count(list.Count(r => r.Status == ReferralStatuses.Withdrawn)),
                    Count(list.Count(r => r.OverdueAt is not null)),
                    small ? null : Percentile(responses, 0.5), small ? null : Percentile(responses, 0.9),
                    small ? null : Percentile(starts, 0.5), small ? null : Percentile(starts, 0.9),
                    small || offered.Count == 0 ? null : Math.Round((double)inTime / offered.Count, 3),
                    // The distribution behind the median: answered referrals per band, each band under 5 shown as "<5".
                    small ? null : ResponseBands.ToDictionary(b => b.Key, b => Count(responses.Count(h => BandOf(h) == b.Key))));
            })
            .ToList();
        return TypedResults.Ok(new TurnaroundReport(start, end, SmallCell, cells));
    }

    private static string BandOf(double hours) => ResponseBands.First(b => hours <= b.UpToHours).Key;

    private static string Count(int count) => count is > 0 and < SmallCell ? "<5" : count.ToString(CultureInfo.InvariantCulture);

    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
}
