using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReferralHub.Bench.Referrals;

/// <summary>
/// Where a referral's database time goes, per database (DbContext): EF Core's own diagnostic events, counted in the
/// bench process (the whole hub runs in it). Counts, not timings, are the robust part on a loaded machine: how many
/// transactions and statements each referral costs each database. The timings say where threads waited: opening a
/// transaction (on SQLite <c>BEGIN IMMEDIATE</c>, i.e. waiting for the file's single write lock), holding it, committing.
/// </summary>
public sealed class DbActivityProfile : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly ConcurrentDictionary<string, Totals> _byContext = new();
    private readonly ConcurrentDictionary<Guid, long> _open = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly IDisposable _all;
    private volatile bool _recording;

    public DbActivityProfile() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    public void Start() { _byContext.Clear(); _recording = true; }

    public void Stop() => _recording = false;

    /// <summary>A Markdown table: per database, per referral.</summary>
    public string Table(int referrals)
    {
        var text = new StringBuilder();
        text.AppendLine("| database (per referral) | transactions | BEGIN wait ms (mean) | held ms (mean) | commit ms (mean) | reads | writes | statement ms (sum/referral) | SaveChanges |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        foreach (var (name, t) in _byContext.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            double per(long v) => (double)v / referrals;
            double mean(double sum, long n) => n == 0 ? 0 : sum / n;
            text.AppendLine($"| {name} | {F(per(t.Transactions))} | {F(mean(t.BeginMs, t.Transactions))} | {F(mean(t.HeldMs, t.Transactions))} | {F(mean(t.CommitMs, t.Transactions))} | {F(per(t.Reads))} | {F(per(t.Writes))} | {F(t.CommandMs / referrals)} | {F(per(t.Saves))} |");
        }
        return text.ToString();
    }

    /// <summary>A Markdown table: per database, the spread of a transaction's hold (BEGIN to its end) and of its COMMIT.</summary>
    public string TailTable()
    {
        var text = new StringBuilder();
        text.AppendLine("| database | transactions | held p50 / p99 / max ms | commit p50 / p99 / max ms |");
        text.AppendLine("|---|---:|---:|---:|");
        string F(LatencySummary s) => string.Create(CultureInfo.InvariantCulture, $"{s.P50:F2} / {s.P99:F2} / {s.Max:F2}");
        foreach (var (name, t) in _byContext.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var (held, commit) = t.Spread();
            text.AppendLine($"| {name} | {t.Transactions} | {F(held)} | {F(commit)} |");
        }
        return text.ToString();
    }

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name) lock (_subscriptions) _subscriptions.Add(listener.Subscribe(this));
    }

    public void OnNext(KeyValuePair<string, object?> e)
    {
        if (!_recording) return;
        switch (e.Value)
        {
            case TransactionEndEventData end when e.Key == RelationalEventId.TransactionStarted.Name:
                _open[end.TransactionId] = Stopwatch.GetTimestamp();
                Of(end.Context).Begin(end.Duration);
                break;
            case TransactionEndEventData end when e.Key == RelationalEventId.TransactionCommitted.Name || e.Key == RelationalEventId.TransactionRolledBack.Name:
                var held = _open.TryRemove(end.TransactionId, out var opened) ? Stopwatch.GetElapsedTime(opened) : TimeSpan.Zero;
                Of(end.Context).End(end.Duration, held);
                break;
            case CommandExecutedEventData command when e.Key == RelationalEventId.CommandExecuted.Name:
                var sql = command.Command.CommandText.TrimStart();
                Of(command.Context).Command(sql.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase), command.Duration);
                break;
            case SaveChangesCompletedEventData save when e.Key == CoreEventId.SaveChangesCompleted.Name:
                Of(save.Context).Save();
                break;
        }
    }

    private Totals Of(DbContext? context) => _byContext.GetOrAdd(context?.GetType().Name ?? "(none)", _ => new Totals());

    public void OnCompleted() { }

    public void OnError(Exception error) { }

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions) foreach (var s in _subscriptions) s.Dispose();
    }

    private sealed class Totals
    {
        private readonly Lock _gate = new();
        public long Transactions, Reads, Writes, Saves;
        public double BeginMs, HeldMs, CommitMs, CommandMs;
        private readonly List<double> _held = [], _commits = [];

        public void Begin(TimeSpan duration) { lock (_gate) { Transactions++; BeginMs += duration.TotalMilliseconds; } }

        public void End(TimeSpan commit, TimeSpan held)
        {
            lock (_gate)
            {
                CommitMs += commit.TotalMilliseconds;
                HeldMs += held.TotalMilliseconds;
                _commits.Add(commit.TotalMilliseconds);
                _held.Add(held.TotalMilliseconds);
            }
        }

        public (LatencySummary Held, LatencySummary Commit) Spread() { lock (_gate) return (LatencySummary.From(_held), LatencySummary.From(_commits)); }

        public void Command(bool read, TimeSpan duration) { lock (_gate) { if (read) Reads++; else Writes++; CommandMs += duration.TotalMilliseconds; } }

        public void Save() { lock (_gate) Saves++; }
    }
}
