using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Metrics;

/// <summary>The stored figures of one turnaround cell and month, as <see cref="TurnaroundFigures.Compute"/> gave them.</summary>
public sealed class TurnaroundMonth
{
    /// <summary><see cref="TurnaroundCellKey.Text"/>.</summary>
    public required string Cell { get; set; }

    /// <summary>yyyy-MM, for reading a window of months.</summary>
    public required string Month { get; set; }

    /// <summary>The cell (<see cref="TurnaroundCell"/>) as JSON: counts already shown as "&lt;5" where small.</summary>
    public required string FiguresJson { get; set; }

    /// <summary>
    /// The cell's <see cref="TurnaroundTally"/> per day of submission (JSON), so a report window that cuts the month adds
    /// up its whole days instead of reading the month's referrals. Null for figures stored before days were kept (the
    /// report then reads that cell's referrals).
    /// </summary>
    public string? DaysJson { get; set; }

    public DateTime ComputedAt { get; set; }
}

/// <summary>
/// "This cell's stored figures are out of date": written in the same transaction as any change to one of its
/// referrals, removed by <see cref="TurnaroundRollupSweep"/> once the figures are recomputed. Not unique (inserting
/// one never conflicts with a concurrent writer); several for one cell mean one recomputation.
/// </summary>
public sealed class TurnaroundStaleCell
{
    public long Id { get; set; }

    public required string Cell { get; set; }

    public required string Month { get; set; }
}

public sealed class TurnaroundOptions
{
    /// <summary>How often stale cells are recomputed. The report is exact without it (it recomputes stale cells itself); this keeps that work small.</summary>
    public TimeSpan RollupInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A cell the sweep stored less than this long ago waits (its markers stay, so the report still recomputes it).
    /// Why: recomputing reads all of the cell's referrals of the month, and a burst keeps one cell changing — every
    /// round re-read the whole month (issue 17: 4.7 % of a burst's CPU). Bounded: once per this interval per busy cell.
    /// </summary>
    public TimeSpan RecomputeAtMostEvery { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The turnaround roll-up: one row of figures per cell and month, so the coordinators' report reads at most
/// months × cells rows instead of every referral in its window (docs/benchmarks.md, `scale`: the 12-month report grew
/// with the history). Kept right by marking a cell stale in the SAME transaction as any change to its referrals
/// (<see cref="MarkChangedCells"/>, from <see cref="ReferralsDbContext"/>'s SaveChanges, so no code path can forget
/// it and a rolled-back change marks nothing), and by recomputing stale cells from their referrals.
/// </summary>
public static class TurnaroundRollup
{
    /// <summary>Adds a stale marker for the cell of every referral added, changed or deleted in this unit of work (both cells if its key moved).</summary>
    public static void MarkChangedCells(ChangeTracker tracker)
    {
        var cells = new HashSet<TurnaroundCellKey>();
        foreach (var entry in tracker.Entries<Referral>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    cells.Add(TurnaroundCellKey.Of(entry.Entity));
                    break;
                case EntityState.Modified:
                    cells.Add(TurnaroundCellKey.Of(entry.Entity));
                    cells.Add(OriginalKey(entry));
                    break;
                case EntityState.Deleted:
                    cells.Add(OriginalKey(entry));
                    break;
            }
        }

        if (cells.Count == 0) return;
        // A retried save (group commit retries unit by unit) may add a second marker: harmless, one recomputation.
        var set = tracker.Context.Set<TurnaroundStaleCell>();
        foreach (var cell in cells) set.Add(new TurnaroundStaleCell { Cell = cell.Text, Month = cell.Month });
    }

    private static TurnaroundCellKey OriginalKey(EntityEntry<Referral> entry)
    {
        var original = entry.OriginalValues;
        return new(TurnaroundCellKey.MonthOf(original.GetValue<DateTime>(nameof(Referral.CreatedAt))),
            original.GetValue<string>(nameof(Referral.ServiceType)), original.GetValue<string>(nameof(Referral.OriginAgencyCode)),
            original.GetValue<string?>(nameof(Referral.AreaCode)), original.GetValue<string>(nameof(Referral.Priority)));
    }

    /// <summary>A cell's figures from its referrals now; null when it has none.</summary>
    public static async Task<TurnaroundCell?> ComputeAsync(ReferralsDbContext db, TurnaroundCellKey key, CancellationToken cancellationToken)
    {
        var rows = await RowsAsync(db, key, key.MonthStart, key.MonthStart.AddMonths(1), cancellationToken);
        return rows.Count == 0 ? null : TurnaroundFigures.Compute(key, rows);
    }

    /// <summary>A cell's figures and its tallies per day from its referrals now; null when it has none.</summary>
    public static async Task<(TurnaroundCell Cell, SortedDictionary<string, TurnaroundTally> Days)?> ComputeWithDaysAsync(
        ReferralsDbContext db, TurnaroundCellKey key, CancellationToken cancellationToken)
    {
        var rows = await RowsAsync(db, key, key.MonthStart, key.MonthStart.AddMonths(1), cancellationToken);
        return rows.Count == 0 ? null : (TurnaroundFigures.Compute(key, rows), TurnaroundTally.ByDay(rows));
    }

    /// <summary>The cell's referrals created in [from, to): one indexed range, (OriginAgencyCode, ServiceType, Priority, AreaCode, CreatedAt).</summary>
    public static Task<List<TurnaroundRow>> RowsAsync(ReferralsDbContext db, TurnaroundCellKey key, DateTime from, DateTime to, CancellationToken cancellationToken) =>
        db.Referrals.AsNoTracking()
            .Where(r => r.OriginAgencyCode == key.Agency && r.ServiceType == key.ServiceType && r.Priority == key.Priority
                        && r.AreaCode == key.Area && r.CreatedAt >= from && r.CreatedAt < to)
            .Select(TurnaroundRow.FromReferral).ToListAsync(cancellationToken);

    /// <summary>
    /// The stored rows of the months [first, last] (yyyy-MM), read by the month index. On SQLite the index is named
    /// (<c>INDEXED BY</c>): the planner goes by the statistics of the last ANALYZE, and statistics taken while the
    /// table was (nearly) empty — an ANALYZE after a bulk load, before the sweep stored the loaded cells — made it scan
    /// the whole table instead, every month of the history and their day tallies with it, twice per report
    /// (issue 17, `scale`: most of the loaded report's time). PostgreSQL keeps its statistics current itself.
    /// </summary>
    public static IQueryable<TurnaroundMonth> MonthsBetween(ReferralsDbContext db, string first, string last) =>
        (db.Database.IsSqlite()
            ? db.Set<TurnaroundMonth>().FromSqlInterpolated(
                $"SELECT * FROM turnaround_months INDEXED BY \"IX_turnaround_months_Month\" WHERE \"Month\" >= {first} AND \"Month\" <= {last}")
            : db.Set<TurnaroundMonth>().Where(m => string.Compare(m.Month, first) >= 0 && string.Compare(m.Month, last) <= 0))
        .AsNoTracking();

    public static string Serialize(TurnaroundCell cell) => JsonSerializer.Serialize(cell, ReferralJson.Options);

    public static TurnaroundCell Deserialize(string json) => JsonSerializer.Deserialize<TurnaroundCell>(json, ReferralJson.Options)!;
}

/// <summary>
/// Recomputes stale cells (<see cref="TurnaroundStaleCell"/>) and stores their figures; one replica at a time (the
/// redrive lease). Why it stays right: markers are read BEFORE the referrals are, and only the markers read (by id) are
/// deleted, so a change committed meanwhile either is in the recomputation or keeps its own marker for the next round.
/// A crash between the two leaves the markers, and the cell is recomputed again. A cell stored less than
/// <see cref="TurnaroundOptions.RecomputeAtMostEvery"/> ago waits with its markers (the report recomputes it meanwhile).
/// </summary>
public sealed class TurnaroundRollupSweep(ReferralsDbContext db, TimeProvider clock, IOptions<TurnaroundOptions> options) : IRedriveSweep
{
    private const int CellsPerRound = 200;
    private const int MaxRounds = 50;

    public TimeSpan Interval => options.Value.RollupInterval;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cells = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var done = await RoundAsync(cancellationToken);
            if (done == 0) break;
            cells += done;
        }
        return cells;
    }

    /// <summary>One round: up to <see cref="CellsPerRound"/> stale cells that are due recomputed and stored. Returns how many.</summary>
    public async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        // Each marked cell once (a burst leaves thousands of markers for one cell), spelled as stored.
        var marked = await db.Set<TurnaroundStaleCell>().AsNoTracking().Select(m => m.Cell).Distinct().ToListAsync(cancellationToken);
        if (marked.Count == 0) return 0;
        // By the parsed key: markers written by SQL (the migration's backfill) spell the same key with other spaces.
        var spellings = marked.GroupBy(c => TurnaroundCellKey.Parse(c).Text, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var keys = spellings.Keys.ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        var storedAt = await db.Set<TurnaroundMonth>().AsNoTracking().Where(m => keys.Contains(m.Cell))
            .ToDictionaryAsync(m => m.Cell, m => m.ComputedAt, StringComparer.Ordinal, cancellationToken);
        var waitUntil = now - options.Value.RecomputeAtMostEvery;
        var due = keys.Where(k => !storedAt.TryGetValue(k, out var at) || at <= waitUntil).Take(CellsPerRound).ToList();
        if (due.Count == 0) return 0;

        // The markers this round removes, read before the referrals are (see the class comment).
        var dueSpellings = due.SelectMany(k => spellings[k]).ToList();
        var ids = await db.Set<TurnaroundStaleCell>().AsNoTracking().Where(m => dueSpellings.Contains(m.Cell)).Select(m => m.Id).ToListAsync(cancellationToken);

        var figures = new Dictionary<string, (TurnaroundCell Cell, SortedDictionary<string, TurnaroundTally> Days)?>(StringComparer.Ordinal);
        foreach (var key in due)
            figures[key] = await TurnaroundRollup.ComputeWithDaysAsync(db, TurnaroundCellKey.Parse(key), cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stored = await db.Set<TurnaroundMonth>().Where(m => due.Contains(m.Cell)).ToDictionaryAsync(m => m.Cell, StringComparer.Ordinal, cancellationToken);
        foreach (var (key, computed) in figures)
        {
            stored.TryGetValue(key, out var row);
            if (computed is null)
            {
                if (row is not null) db.Remove(row); // the cell's last referral left it
                continue;
            }
            var (cell, days) = computed.Value;
            if (row is null) db.Add(row = new TurnaroundMonth { Cell = key, Month = cell.Month, FiguresJson = "" });
            row.FiguresJson = TurnaroundRollup.Serialize(cell);
            row.DaysJson = TurnaroundTally.SerializeDays(days);
            row.ComputedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        await db.Set<TurnaroundStaleCell>().Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }
}
