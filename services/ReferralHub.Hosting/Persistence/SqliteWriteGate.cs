using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// Lets the writers of one SQLite file queue in process, asynchronously, instead of inside SQLite. SQLite allows one
/// writer per file; every transaction here begins IMMEDIATE, so a second writer waits in SQLite's busy handler, which
/// sleeps (1–100 ms steps) on a thread-pool thread. A profile of the referral flow (docs/benchmarks.md) showed most
/// of the hub's threads parked there — the pool starved and every request, consumer and dispatcher waited for
/// threads, not for the disk. Here a writer awaits a per-file semaphore before its transaction (or its
/// transaction-less SaveChanges) and releases it when the transaction ends; the file's own lock still decides
/// correctness (another process, a write that bypasses EF), the gate only orders this process's writers fairly.
/// A writer that waits longer than <see cref="Wait"/> goes ahead without the gate (SQLite's busy wait then applies,
/// as before), so a transaction that is never ended cannot stop the others.
/// </summary>
internal sealed class SqliteWriteGate : SaveChangesInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    // Per context: how many nested holds (a SaveChanges inside the context's own transaction) and whether it got the gate.
    private static readonly ConditionalWeakTable<DbContext, Hold> Holds = [];

    // Contexts whose current SaveChanges took the gate itself (no transaction of theirs was open).
    private static readonly ConditionalWeakTable<DbContext, object> SaveHolds = [];

    private readonly SemaphoreSlim _gate;

    public SqliteWriteGate(string connectionString, TimeSpan wait)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        _gate = Gates.GetOrAdd(Path.GetFullPath(builder.DataSource), _ => new SemaphoreSlim(1, 1));
        Wait = wait;
    }

    public TimeSpan Wait { get; }

    /// <summary>True when no writer of this process holds or waits for the file's gate (for tests).</summary>
    internal static bool IsIdle(string connectionString) =>
        !Gates.TryGetValue(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource), out var gate) || gate.CurrentCount == 1;

    /// <summary>A file-backed database (an in-memory one has no other writer to queue behind).</summary>
    public static bool Applies(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource)
            && !builder.DataSource.Equals(":memory:", StringComparison.OrdinalIgnoreCase);
    }

    // SaveChanges without an open transaction (EF then writes in its own, or with none for a single statement).
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            await AcquireAsync(context, cancellationToken);
            SaveHolds.AddOrUpdate(context, true);
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            Acquire(context);
            SaveHolds.AddOrUpdate(context, true);
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        EndSave(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        EndSave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => EndSave(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        EndSave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => EndSave(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        EndSave(eventData.Context);
        return Task.CompletedTask;
    }

    // Explicit transactions (and the one EF opens inside SaveChanges, which nests in the SaveChanges hold).
    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (eventData.Context is { } context) Acquire(context);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) await AcquireAsync(context, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (e.g. an inbox hit that returns early) ends no interceptor
    // call of its own; EF then closes the connection it opened for it, and SQLite rolls back: the gate is free again.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => ReleaseAll(eventData.Context);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        ReleaseAll(eventData.Context);
        return Task.CompletedTask;
    }

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => ReleaseAll(eventData.Context);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        ReleaseAll(eventData.Context);
        return Task.CompletedTask;
    }

    private async Task AcquireAsync(DbContext context, CancellationToken cancellationToken)
    {
        var hold = Holds.GetOrCreateValue(context);
        lock (hold)
        {
            if (hold.Depth > 0) { hold.Depth++; return; }
        }
        var acquired = await _gate.WaitAsync(Wait, cancellationToken);
        lock (hold)
        {
            hold.Depth++;
            hold.Acquired = acquired;
        }
    }

    private void Acquire(DbContext context)
    {
        var hold = Holds.GetOrCreateValue(context);
        lock (hold)
        {
            if (hold.Depth > 0) { hold.Depth++; return; }
        }
        var acquired = _gate.Wait(Wait);
        lock (hold)
        {
            hold.Depth++;
            hold.Acquired = acquired;
        }
    }

    private void EndSave(DbContext? context)
    {
        if (context is not null && SaveHolds.Remove(context)) Release(context);
    }

    private void Release(DbContext? context)
    {
        if (context is null || !Holds.TryGetValue(context, out var hold)) return;
        lock (hold)
        {
            if (hold.Depth == 0) return;
            if (--hold.Depth > 0) return;
            if (hold.Acquired) _gate.Release();
            hold.Acquired = false;
        }
    }

    private void ReleaseAll(DbContext? context)
    {
        if (context is null || !Holds.TryGetValue(context, out var hold)) return;
        lock (hold)
        {
            if (hold.Depth == 0) return;
            hold.Depth = 0;
            if (hold.Acquired) _gate.Release();
            hold.Acquired = false;
        }
        SaveHolds.Remove(context);
    }

    private sealed class Hold
    {
        public int Depth;
        public bool Acquired;
    }
}
