using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Messaging;

public sealed class OutboxOptions
{
    /// <summary>How often the dispatcher looks for unsent rows when nothing signalled it (also the re-drive after a crash).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How many aggregates of one batch are published at the same time. Each aggregate's own messages still go out one
    /// at a time, in order; this only lets unrelated aggregates share the wait for publisher confirms.
    /// </summary>
    public int MaxConcurrentAggregates { get; set; } = 32;

    /// <summary>Sent rows are kept this long for operators, then deleted.</summary>
    public TimeSpan KeepSent { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Inbox rows are kept this long, then deleted. Must exceed the longest time a duplicate can still arrive
    /// (broker redelivery, a dispatcher re-publishing after a crash): days, not minutes.
    /// </summary>
    public TimeSpan KeepInbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How often the dispatcher deletes sent rows older than <see cref="KeepSent"/> and inbox rows older than
    /// <see cref="KeepInbox"/> (the sweep that keeps both tables bounded). Shorter only in benches and tests.
    /// </summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Publishes committed outbox rows in order per aggregate (many aggregates concurrently): a row is marked sent only after the transport
/// confirmed it (RabbitMQ publisher confirms), so a crash between commit and publish only delays the message.
/// A publish may be repeated after a crash between confirm and mark-sent; the message id stays the same and the
/// consumers' inboxes drop the duplicate.
/// </summary>
public sealed class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    IBus bus,
    OutboxSignal<TContext> signal,
    ServiceLeases<TContext> leases,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    private DateTime _nextCleanup = DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WaitForBusAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One replica publishes a database's outbox at a time, which keeps each aggregate's order across replicas.
                if (!await leases.HoldAsync("outbox", stoppingToken))
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken);
                    continue;
                }

                var (published, blocked) = await DispatchOnceAsync(stoppingToken);
                // Back off only when nothing went out (the broker is away); one broken aggregate must not slow the others.
                failures = blocked && published == 0 ? failures + 1 : 0;
                if (published > 0 && !blocked) continue; // there may be more
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogWarning(ex, "Outbox dispatch for {Context} failed ({Failures} in a row)", typeof(TContext).Name, failures);
            }

            try
            {
                if (failures == 0) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
                else await Task.Delay(Backoff(failures), stoppingToken); // broker down: back off, up to 30 s
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes one batch. Returns how many were published and whether any failed.</summary>
    public async Task<(int Published, bool Blocked)> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var batch = await db.OutboxMessages
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.Sequence)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            await DeleteOldSentAsync(db, cancellationToken);
            return (0, false);
        }

        // Order matters only within an aggregate: each aggregate's rows go out one after the other (the next waits for
        // the previous one's confirm), while different aggregates are published concurrently, so one batch costs
        // about one confirm round trip per message of its longest aggregate instead of one per row.
        var published = 0;
        var blocked = 0;
        var aggregates = batch.GroupBy(row => row.AggregateId, StringComparer.Ordinal).Select(group => group.ToList()).ToList();
        await Parallel.ForEachAsync(aggregates,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.MaxConcurrentAggregates), CancellationToken = CancellationToken.None },
            async (rows, _) =>
            {
                foreach (var row in rows)
                {
                    if (await PublishAsync(row, cancellationToken)) Interlocked.Increment(ref published);
                    else
                    {
                        // Keep per-aggregate order: once one message of an aggregate fails, its later ones wait for the next round.
                        Interlocked.Increment(ref blocked);
                        return;
                    }
                }
            });

        // Saved even when cancelled mid-batch so confirmed publishes are not repeated needlessly.
        await db.SaveChangesAsync(CancellationToken.None);
        await DeleteOldSentAsync(db, cancellationToken);
        return (published, blocked > 0);
    }

    /// <summary>Publishes one row and records the outcome on it (the caller saves). Never throws but for cancellation.</summary>
    private async Task<bool> PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return false;
        try
        {
            var message = Outbox.Deserialize(row);
            await bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = row.Id;
                context.Headers.Set(OutboxHeaders.AggregateId, row.AggregateId);
            }), cancellationToken);
            row.SentAt = clock.GetUtcNow().UtcDateTime;
            row.Attempts++;
            return true;
        }
        catch (Exception ex)
        {
            row.Attempts++;
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) return false;
            row.LastError = Truncate($"{ex.GetType().Name}: {ex.Message}", 1000);
            logger.LogWarning("Outbox message {MessageId} ({MessageType}) for aggregate {AggregateId} not published yet: {Error}",
                row.Id, row.MessageType, row.AggregateId, ex.GetType().Name);
            return false;
        }
    }

    private async Task DeleteOldSentAsync(TContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < _nextCleanup) return;
        _nextCleanup = now + options.Value.CleanupInterval;
        var sentBefore = now - options.Value.KeepSent;
        await db.OutboxMessages.Where(m => m.SentAt != null && m.SentAt < sentBefore).ExecuteDeleteAsync(cancellationToken);
        var handledBefore = now - options.Value.KeepInbox;
        await db.InboxMessages.Where(m => m.HandledAt < handledBefore).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task WaitForBusAsync(CancellationToken stoppingToken)
    {
        // The bus starts as a hosted service too; until it is up a publish would only fail and be retried.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested && bus is IBusControl control && control.CheckHealth().Status != BusHealthStatus.Healthy)
        {
            try { await Task.Delay(100, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures - 1, 7))));

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

public static class OutboxHeaders
{
    public const string AggregateId = "ReferralHub-AggregateId";
}
