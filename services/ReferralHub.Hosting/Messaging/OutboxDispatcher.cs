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

    /// <summary>Sent rows are kept this long for operators, then deleted.</summary>
    public TimeSpan KeepSent { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Inbox rows are kept this long, then deleted. Must exceed the longest time a duplicate can still arrive
    /// (broker redelivery, a dispatcher re-publishing after a crash): days, not minutes.
    /// </summary>
    public TimeSpan KeepInbox { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Publishes committed outbox rows in order, one aggregate at a time: a row is marked sent only after the transport
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

        var published = 0;
        var blockedAggregates = new HashSet<string>();
        foreach (var row in batch)
        {
            // Keep per-aggregate order: once one message of an aggregate fails, its later ones wait for the next round.
            if (blockedAggregates.Contains(row.AggregateId)) continue;
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
                published++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                blockedAggregates.Add(row.AggregateId);
                row.Attempts++;
                row.LastError = Truncate($"{ex.GetType().Name}: {ex.Message}", 1000);
                logger.LogWarning("Outbox message {MessageId} ({MessageType}) for aggregate {AggregateId} not published yet: {Error}",
                    row.Id, row.MessageType, row.AggregateId, ex.GetType().Name);
            }
        }

        // Saved even when cancelled mid-batch so confirmed publishes are not repeated needlessly.
        await db.SaveChangesAsync(CancellationToken.None);
        await DeleteOldSentAsync(db, cancellationToken);
        return (published, blockedAggregates.Count > 0);
    }

    private async Task DeleteOldSentAsync(TContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (now < _nextCleanup) return;
        _nextCleanup = now.AddMinutes(10);
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
