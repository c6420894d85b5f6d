using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Persistence;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Consent.Statistics;

public sealed record MonthCount(string Month, int Count);

public sealed record ReasonCount(string Reason, int Count);

public sealed record ConsentFigures(IReadOnlyList<MonthCount> OverridesPerMonth, IReadOnlyList<ReasonCount> DenialsByReason);

/// <summary>GET /api/v1/consents/statistics: coordinators see counts only, never a case code (brief: "anonymous figures only").</summary>
internal static class ConsentStatistics
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapGet("/statistics", HandleAsync).WithName("ConsentStatistics").RequireAuthorization(p => p.RequireRole(Roles.Coordinator));

    private static async Task<ConsentFigures> HandleAsync(ConsentRegistryDbContext db, CancellationToken cancellationToken)
    {
        var overrideTimes = await db.Overrides.AsNoTracking().Select(o => o.AuthorisedAt).ToListAsync(cancellationToken);
        var overrides = overrideTimes
            .GroupBy(t => $"{t.Year:D4}-{t.Month:D2}")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MonthCount(g.Key, g.Count()))
            .ToList();

        var denials = await db.Decisions.AsNoTracking()
            .Where(d => !d.Permitted && d.Reason != null)
            .GroupBy(d => d.Reason!)
            .Select(g => new { Reason = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);

        return new ConsentFigures(overrides, [.. denials.OrderBy(d => d.Reason, StringComparer.Ordinal).Select(d => new ReasonCount(d.Reason, d.Count))]);
    }
}
