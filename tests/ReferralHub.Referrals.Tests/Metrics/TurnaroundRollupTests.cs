using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Metrics;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Testing;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Metrics;

/// <summary>
/// The turnaround report read from the monthly roll-up gives the figures the report computed from every referral
/// before the roll-up existed (<see cref="OldTurnaround"/>, the previous code kept here as the oracle): on a seeded
/// history, with every cell stale, after the roll-up sweep, after changes (answers, a cell moved, a referral
/// deleted) while the sweep waits to recompute cells it stored moments ago and after it does, after a rolled-back
/// change, for whole-month and cut windows; on SQLite and PostgreSQL.
/// </summary>
public static class TurnaroundRollupChecks
{
    public static ModuleHost Host(Dictionary<string, string?>? settings = null)
    {
        var hub = new ModuleHost();
        // The test runs the sweep itself, at the moments it checks; the background one would race it.
        hub.Settings["Referrals:Turnaround:RollupInterval"] = "01:00:00";
        // So would the deadline sweep (it marks seeded offers overdue and re-drives seeded unplaced ones): under load it
        // updated rows the test was saving and the test's save lost the race (a concurrency exception, session 10).
        hub.Settings["Referrals:SweepInterval"] = "01:00:00";
        foreach (var (key, value) in settings ?? []) hub.Settings[key] = value;
        return hub;
    }

    public static async Task SeededHistoryGivesTheOldFiguresAsync(ModuleHost hub)
    {
        var now = hub.Clock.GetUtcNow().UtcDateTime;
        var thisMonth = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        await SeedAsync(hub, now, 900);
        var windows = new (DateTime? From, DateTime? To)[]
        {
            (null, null),                                                  // the default: 12 calendar months
            (thisMonth.AddMonths(-6), null),                               // whole months to now
            (now.AddDays(-200), now.AddDays(-40)),                         // cut at both ends
            (thisMonth.AddMonths(-14), thisMonth.AddMonths(-2)),               // whole months in the past
            // Windows that cut a month: its whole days come from the roll-up's day tallies, the cut days from referrals.
            (now.AddDays(-30), null),                                       // "the last 30 days"
            (thisMonth.AddMonths(-3).AddDays(3).AddHours(7), thisMonth.AddMonths(-3).AddDays(20).AddHours(13)), // one month, cut at both ends
            (thisMonth.AddMonths(-5).AddDays(4), thisMonth.AddMonths(-4).AddDays(9)),     // cut at midnight at both ends
            (now.AddDays(-100).AddHours(-9), now.AddDays(-100)),            // part of a day or two: no whole day
        };

        Assert.True(await StaleCountAsync(hub) > 0);
        await AssertSameAsOldAsync(hub, windows, "every cell stale");

        await SweepAsync(hub);
        Assert.Equal(0, await StaleCountAsync(hub));
        await using (var scope = hub.Services.CreateAsyncScope())
            Assert.All(await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().TurnaroundMonths.ToListAsync(),
                m => Assert.False(string.IsNullOrEmpty(m.DaysJson), $"cell {m.Cell} stored without its day tallies"));
        await AssertSameAsOldAsync(hub, windows, "after the sweep");

        // Changes after the sweep: answers, a cell moved (area), a referral gone; the report is exact before the next sweep.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
            var some = await db.Referrals.Where(r => r.AgencyCode == "agency-x").OrderBy(r => r.Id).Take(40).ToListAsync();
            foreach (var (referral, i) in some.Select((r, i) => (r, i)))
            {
                if (i % 4 == 0) referral.AreaCode = referral.AreaCode is null ? "camp-2" : null;
                else if (i % 4 == 1) { referral.RespondedAt = referral.OfferedAt?.AddHours(5 + i); referral.Status = ReferralStatuses.Declined; referral.DeclineReason = "no-capacity"; }
                else if (i % 4 == 2) { referral.Status = ReferralStatuses.Withdrawn; }
                else db.Referrals.Remove(referral);
            }
            await db.SaveChangesAsync();
        }
        Assert.True(await StaleCountAsync(hub) > 0);
        await AssertSameAsOldAsync(hub, windows, "after changes, before the sweep");

        // A change that never commits (a crash before commit, a failed consumer) marks nothing and changes nothing.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var referral in await db.Referrals.OrderBy(r => r.CreatedAt).Take(20).ToListAsync()) referral.Status = ReferralStatuses.Withdrawn;
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        // The changed cells were stored moments ago: the sweep leaves them stale (a burst does not make it re-read a
        // month every round), and the report recomputes them meanwhile.
        await SweepAsync(hub);
        Assert.True(await StaleCountAsync(hub) > 0, "cells stored moments ago wait for the next recomputation");
        await AssertSameAsOldAsync(hub, windows, "after changes and a sweep that waited");

        hub.Clock.Advance(new TurnaroundOptions().RecomputeAtMostEvery);
        await SweepAsync(hub);
        Assert.Equal(0, await StaleCountAsync(hub));
        await AssertSameAsOldAsync(hub, windows, "after changes and the sweep");

        // Figures stored before day tallies were kept (an upgraded hub, before the sweep caught up): those cells are read from their referrals.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
            foreach (var (month, i) in (await db.TurnaroundMonths.OrderBy(m => m.Cell).ToListAsync()).Select((m, i) => (m, i)))
                if (i % 2 == 0) month.DaysJson = null;
            await db.SaveChangesAsync();
        }
        await AssertSameAsOldAsync(hub, windows, "with cells stored without day tallies");
    }

    public static async Task AssertSameAsOldAsync(ModuleHost hub, IEnumerable<(DateTime? From, DateTime? To)> windows, string moment)
    {
        var coordinator = hub.ClientFor("cluster", Roles.Coordinator);
        foreach (var (from, to) in windows)
        {
            var query = string.Join("&", new[] { from is { } f ? "from=" + Uri.EscapeDataString(f.ToString("O")) : null, to is { } t ? "to=" + Uri.EscapeDataString(t.ToString("O")) : null }.Where(q => q is not null));
            var report = await coordinator.GetFromJsonAsync<JsonElement>("/api/v1/metrics/turnaround" + (query.Length > 0 ? "?" + query : ""));
            var start = report.GetProperty("from").GetDateTime().ToUniversalTime();
            var end = report.GetProperty("to").GetDateTime().ToUniversalTime();
            List<TurnaroundRow> rows;
            await using (var scope = hub.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
                rows = await db.Referrals.AsNoTracking().Where(r => r.CreatedAt >= start && r.CreatedAt <= end).Select(TurnaroundRow.FromReferral).ToListAsync();
            }
            var expected = OldTurnaround.Cells(rows).Select(Normalise).ToList();
            var actual = report.GetProperty("cells").EnumerateArray().Select(c => Normalise(c.Deserialize<TurnaroundCell>(ReferralJson.Options)!)).ToList();
            Assert.True(expected.Count > 0, $"{moment}, {query}: the window holds seeded cells");
            Assert.True(expected.SequenceEqual(actual),
                $"{moment}, window '{query}': the report differs from the old computation.\nexpected:\n{string.Join("\n", expected)}\nactual:\n{string.Join("\n", actual)}");
        }
    }

    /// <summary>A cell as one comparable line (dictionaries in key order).</summary>
    private static string Normalise(TurnaroundCell c) => string.Join("|", c.ServiceType, c.Agency, c.Area ?? "-", c.Priority, c.Month, c.Sent, c.Accepted,
        string.Join(",", c.DeclinedByReason.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}")), c.Withdrawn, c.Overdue,
        F(c.MedianHoursToResponse), F(c.P90HoursToResponse), F(c.MedianDaysToServiceStart), F(c.P90DaysToServiceStart), F(c.ShareAnsweredWithinDeadline),
        c.AnsweredWithin is null ? "-" : string.Join(",", c.AnsweredWithin.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}")));

    private static string F(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "-";

    public static async Task SweepAsync(ModuleHost hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TurnaroundRollupSweep>().SweepAsync(CancellationToken.None);
    }

    public static async Task<int> StaleCountAsync(ModuleHost hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().TurnaroundStaleCells.CountAsync();
    }

    /// <summary>A history over 15 months: two agencies, one service type, an area or none, two priorities; every stage of the lifecycle.</summary>
    private static async Task SeedAsync(ModuleHost hub, DateTime now, int count)
    {
        var random = new Random(17);
        string[] reasons = ["no-capacity", "not-eligible", "out-of-area"];
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        for (var i = 0; i < count; i++)
        {
            var agency = i % 2 == 0 ? "agency-x" : "agency-y";
            var created = Utc(now.AddMinutes(-random.Next(1, 15 * 30 * 24 * 60)));
            var priority = random.Next(2) == 0 ? "high" : "low";
            var offered = random.Next(10) == 0 ? (DateTime?)null : created.AddMinutes(random.Next(1, 120));
            var deadline = offered?.AddHours(priority == "high" ? 24 : 168);
            var stage = offered is null ? 0 : random.Next(6); // 0 offered, 1 declined, 2 withdrawn, 3 accepted, 4 in service, 5 completed
            var responded = stage is 1 or >= 3 ? offered!.Value.AddMinutes(random.Next(10, 14 * 24 * 60)) : (DateTime?)null;
            var referral = new Referral
            {
                Id = Guid.NewGuid(),
                AgencyCode = agency,
                OriginAgencyCode = agency,
                CaseCode = $"CASE-R{i % 60}",
                OriginCaseCode = $"CASE-R{i % 60}",
                SubmittedBy = "seed",
                IdempotencyKey = $"seed-{i}",
                RequestHashProtected = "-",
                PayloadProtected = "-",
                SummaryProtected = "-",
                ServiceType = "mental-health",
                AreaCode = random.Next(3) == 0 ? null : "camp-1",
                Priority = priority,
                Status = stage switch
                {
                    0 when offered is null => ReferralStatuses.Unplaced,
                    0 => ReferralStatuses.Offered,
                    1 => ReferralStatuses.Declined,
                    2 => ReferralStatuses.Withdrawn,
                    3 => ReferralStatuses.Accepted,
                    4 => ReferralStatuses.InService,
                    _ => ReferralStatuses.Completed,
                },
                OrganisationCode = offered is null ? null : "agency-b",
                OfferedAt = offered,
                DeadlineAt = deadline,
                RespondedAt = responded,
                DeclineReason = stage == 1 ? reasons[random.Next(reasons.Length)] : null,
                AcceptedAt = stage >= 3 ? responded : null,
                ServiceStartedOn = stage >= 4 ? Utc(responded!.Value.Date.AddDays(random.Next(0, 20))) : null,
                ServiceCompletedOn = stage == 5 ? Utc(responded!.Value.Date.AddDays(25)) : null,
                Overdue = deadline is not null && (responded ?? now) > deadline,
                OverdueAt = deadline is not null && (responded ?? now) > deadline ? deadline : null,
                CreatedAt = created,
                UpdatedAt = created,
            };
            db.Referrals.Add(referral);
        }
        await db.SaveChangesAsync();
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}

/// <summary>The report's computation before the roll-up (main at a280fae), kept verbatim as the oracle.</summary>
public static class OldTurnaround
{
    public static List<TurnaroundCell> Cells(List<TurnaroundRow> rows) => rows
        .GroupBy(r => (r.ServiceType, AgencyCode: r.Agency, AreaCode: r.Area, r.Priority, Month: r.CreatedAt.ToString("yyyy-MM", CultureInfo.InvariantCulture)))
        .OrderBy(g => g.Key.Month).ThenBy(g => g.Key.ServiceType).ThenBy(g => g.Key.AgencyCode).ThenBy(g => g.Key.AreaCode).ThenBy(g => g.Key.Priority)
        .Select(g =>
        {
            var list = g.ToList();
            var small = list.Count < 5;
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
                small ? null : Bands.ToDictionary(b => b.Key, b => Count(responses.Count(h => BandOf(h) == b.Key))));
        })
        .ToList();

    private static readonly (string Key, double UpToHours)[] Bands = [("within-24h", 24), ("within-3d", 72), ("within-7d", 168), ("over-7d", double.MaxValue)];

    private static string BandOf(double hours) => Bands.First(b => hours <= b.UpToHours).Key;

    private static string Count(int count) => count is > 0 and < 5 ? "<5" : count.ToString(CultureInfo.InvariantCulture);

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 2);
}

public sealed class TurnaroundRollupOnSqliteTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = TurnaroundRollupChecks.Host();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public Task The_report_from_the_roll_up_equals_the_old_computation_on_a_seeded_history() => TurnaroundRollupChecks.SeededHistoryGivesTheOldFiguresAsync(_hub);

    /// <summary>
    /// Through the real flow: referrals submitted, offered, answered, and a consent withdrawal delivered twice (the
    /// inbox takes it once); the report equals the old computation before and after the roll-up sweep.
    /// </summary>
    [Fact]
    public async Task A_redelivered_withdrawal_leaves_the_roll_up_equal_to_the_old_computation()
    {
        var referrer = _hub.ClientFor("agency-w", Roles.Referrer);
        var provider = _hub.ClientFor("agency-b", Roles.Provider);
        _hub.World.Consents["CASE-W"] = new FakeConsent(true);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++) ids.Add(await SubmitOkAsync(referrer, NadiaReferral("CASE-W", priority: "high")));
        foreach (var id in ids) await WaitForStatusAsync(referrer, id, "offered");
        foreach (var id in ids.Take(3)) await PostAsync(provider, id, "accept");
        await TurnaroundRollupChecks.SweepAsync(_hub);

        var withdrawal = new ConsentWithdrawn("agency-w", "CASE-W", Guid.NewGuid(), 2, DateTime.UtcNow);
        var messageId = NewId.NextGuid();
        var bus = _hub.Services.GetRequiredService<IBus>();
        await bus.Publish(withdrawal, c => c.MessageId = messageId);
        await bus.Publish(withdrawal, c => c.MessageId = messageId);
        foreach (var id in ids.Skip(3)) await WaitForStatusAsync(referrer, id, "withdrawn");

        var windows = new (DateTime?, DateTime?)[] { (null, null) };
        await TurnaroundRollupChecks.AssertSameAsOldAsync(_hub, windows, "after the withdrawal, before the sweep");
        await TurnaroundRollupChecks.SweepAsync(_hub);
        await TurnaroundRollupChecks.AssertSameAsOldAsync(_hub, windows, "after the withdrawal and the sweep");
        var report = await _hub.ClientFor("cluster", Roles.Coordinator).GetFromJsonAsync<JsonElement>("/api/v1/metrics/turnaround");
        var cell = report.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("agency").GetString() == "agency-w");
        Assert.Equal("7", cell.GetProperty("sent").GetString());
        Assert.Equal("<5", cell.GetProperty("withdrawn").GetString());
    }

    /// <summary>
    /// The report reads the roll-up by its month index even when SQLite's statistics say the table is tiny (an
    /// ANALYZE after a bulk load, before the sweep stored the loaded cells): with the plain query the planner then
    /// scanned the whole table, every month of the history and its day tallies, twice per report (issue 17).
    /// </summary>
    [Fact]
    public async Task The_roll_up_is_read_by_its_month_index_whatever_the_statistics_say()
    {
        await using var scope = _hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await Execute("ANALYZE");
        await Execute("DELETE FROM sqlite_stat1 WHERE tbl = 'turnaround_months'");
        await Execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('turnaround_months', 'IX_turnaround_months_Month', '1 1'), ('turnaround_months', 'sqlite_autoindex_turnaround_months_1', '1 1')");
        await Execute("ANALYZE sqlite_schema"); // the connection reloads the statistics

        foreach (var query in new[]
        {
            TurnaroundRollup.MonthsBetween(db, "2026-01", "2026-12").Select(m => new { m.Cell, Json = m.FiguresJson }).ToQueryString(),
            TurnaroundRollup.MonthsBetween(db, "2026-05", "2026-05").Select(m => new { m.Cell, Json = m.DaysJson }).ToQueryString(),
        })
        {
            await using var explain = connection.CreateCommand();
            // ToQueryString gives SQLite's parameters as ".param set NAME VALUE" lines before the statement.
            var lines = query.Split('\n');
            foreach (var parameter in lines.Where(l => l.StartsWith(".param set ", StringComparison.Ordinal)).Select(l => l.Split(' ', 4)))
            {
                var p = explain.CreateParameter();
                p.ParameterName = parameter[2];
                p.Value = parameter[3].Trim().Trim('\'');
                explain.Parameters.Add(p);
            }
            explain.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lines.Where(l => !l.StartsWith(".param", StringComparison.Ordinal)));
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
                while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
            Assert.Contains(plan, step => step.Contains("USING INDEX IX_turnaround_months_Month", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
        }

        async Task Execute(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}

[Collection(TestCollections.Servers)]
public sealed class TurnaroundRollupOnPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly ModuleHost _hub = TurnaroundRollupChecks.Host(new()
    {
        ["ConnectionStrings:referrals"] = postgres.ConnectionStringFor($"referrals_rollup_{Guid.NewGuid():N}"[..30]),
    });

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public Task The_report_from_the_roll_up_equals_the_old_computation_on_a_seeded_history() => TurnaroundRollupChecks.SeededHistoryGivesTheOldFiguresAsync(_hub);
}
