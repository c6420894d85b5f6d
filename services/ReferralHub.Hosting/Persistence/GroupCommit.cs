using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// Group commit for inserts: callers hand over the new rows of their unit of work (the entities <c>Added</c> in their
/// DbContext, outbox rows included) and one writer commits whatever is waiting in ONE transaction, then answers each
/// caller. Why: a SQLite file has one writer and every commit waits for its fsync; with one transaction per API call,
/// callers queue for the write lock (the profile in docs/benchmarks.md: ~20 ms held, hundreds of ms waited, per referral).
/// While one group commits, the next one gathers. Each caller's rows still commit all together or not at all: if a
/// group fails, every unit is tried again alone and gets its own outcome (e.g. a unique-key conflict goes to the one
/// caller that caused it, as a <see cref="DbUpdateException"/>, exactly as its own SaveChanges would have thrown).
/// Only for units of work that insert; anything else (a change to a loaded row) throws — use SaveChanges for those.
/// </summary>
public sealed class GroupCommit<TContext>(IServiceScopeFactory scopes, ILogger<GroupCommit<TContext>> logger) : IAsyncDisposable
    where TContext : ServiceDbContext
{
    /// <summary>The most units one transaction takes.</summary>
    public const int MaxGroup = 32;

    private readonly Channel<Unit> _waiting = Channel.CreateUnbounded<Unit>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _writer;

    /// <summary>Commits the entities added to <paramref name="db"/> (with others' in one transaction) and detaches them from it.</summary>
    public async Task SaveAsync(TContext db, CancellationToken cancellationToken)
    {
        var entries = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
        if (entries.Any(e => e.State != EntityState.Added))
            throw new InvalidOperationException("Group commit takes new rows only; save changes to existing rows with SaveChanges.");
        if (entries.Count == 0) return;
        var unit = new Unit([.. entries.Select(e => e.Entity)]);
        foreach (var entry in entries) entry.State = EntityState.Detached;

        EnsureWriter();
        await _waiting.Writer.WriteAsync(unit, cancellationToken);
        // Once queued the unit commits even if this caller goes away (a lost answer, as with any commit): a retry
        // with the same idempotency key finds it.
        await unit.Done.Task.WaitAsync(cancellationToken);
    }

    private void EnsureWriter()
    {
        if (_writer is not null) return;
        lock (_gate) _writer ??= Task.Run(WriteAsync);
    }

    private async Task WriteAsync()
    {
        var group = new List<Unit>(MaxGroup);
        try
        {
            while (await _waiting.Reader.WaitToReadAsync(_stopping.Token))
            {
                group.Clear();
                while (group.Count < MaxGroup && _waiting.Reader.TryRead(out var unit)) group.Add(unit);
                if (group.Count == 0) continue;
                try
                {
                    await CommitAsync(group);
                    foreach (var unit in group) unit.Done.TrySetResult();
                }
                catch (Exception groupFailure) when (group.Count > 1)
                {
                    logger.LogDebug(groupFailure, "A group of {Count} failed to commit; each unit is committed alone", group.Count);
                    foreach (var unit in group)
                    {
                        try { await CommitAsync([unit]); unit.Done.TrySetResult(); }
                        catch (Exception failure) { unit.Done.TrySetException(failure); }
                    }
                }
                catch (Exception failure)
                {
                    group[0].Done.TrySetException(failure);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            while (_waiting.Reader.TryRead(out var left)) left.Done.TrySetCanceled();
        }
    }

    private async Task CommitAsync(IReadOnlyList<Unit> group)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        foreach (var unit in group)
            foreach (var entity in unit.Entities) db.Add(entity);
        // One SaveChanges: EF Core wraps it in one transaction (the outbox's commit hook wakes the dispatcher once).
        await db.SaveChangesAsync(_stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await _stopping.CancelAsync();
        if (_writer is not null) await _writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private sealed record Unit(object[] Entities)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
