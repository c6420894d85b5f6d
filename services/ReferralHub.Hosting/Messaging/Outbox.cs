using MassTransit;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Messaging;

public static class Outbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Queues <paramref name="message"/> for publishing when (and only when) the surrounding SaveChanges commits.
    /// This is how every state change in ReferralHub publishes: never call IPublishEndpoint directly after SaveChanges.
    /// </summary>
    public static void PublishViaOutbox<TMessage>(this ServiceDbContext db, TMessage message, string aggregateId, TimeProvider? clock = null)
        where TMessage : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(aggregateId);
        db.OutboxMessages.Add(new OutboxMessage
        {
            Id = NewId.NextGuid(),
            AggregateId = aggregateId,
            MessageType = TypeName(message.GetType()),
            Body = JsonSerializer.Serialize(message, message.GetType(), Json),
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime,
        });
    }

    internal static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    internal static Type ResolveType(string name) =>
        Type.GetType(name, throwOnError: false)
        ?? throw new InvalidOperationException($"Outbox message type '{name}' is not known to this service.");

    internal static object Deserialize(OutboxMessage message) =>
        JsonSerializer.Deserialize(message.Body, ResolveType(message.MessageType), Json)
        ?? throw new InvalidOperationException($"Outbox message {message.Id} has an empty body.");
}

/// <summary>Wakes the dispatcher of one DbContext as soon as outbox rows commit, so publishing is not delayed by the poll interval.</summary>
public sealed class OutboxSignal<TContext> where TContext : ServiceDbContext
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Notifies the dispatcher once outbox rows are committed, so it publishes at once instead of at its next poll:
/// after a SaveChanges that ran in its own transaction, or, when the save ran inside an explicit transaction (every
/// <see cref="IdempotentConsumer{TMessage,TContext}"/>), when that transaction commits. Waking it before the commit
/// would only let it find nothing and sleep until the poll interval with the rows committed behind it.
/// </summary>
internal sealed class OutboxSaveChangesInterceptor<TContext>(OutboxSignal<TContext> signal) : SaveChangesInterceptor, IDbTransactionInterceptor
    where TContext : ServiceDbContext
{
    // Only a save that adds outbox rows wakes the dispatcher; waking it on every save (its own included) would spin it.
    private static readonly ConditionalWeakTable<DbContext, object> Pending = [];

    // Contexts whose outbox rows were saved inside a transaction that has not committed yet.
    private static readonly ConditionalWeakTable<DbContext, object> AwaitingCommit = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Remember(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Remember(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyIfWritten(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyIfWritten(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => NotifyIfCommitted(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NotifyIfCommitted(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Remember(DbContext? context)
    {
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added))
            Pending.AddOrUpdate(context, true);
    }

    private void NotifyIfWritten(DbContext? context)
    {
        if (context is null || !Pending.Remove(context)) return;
        if (context.Database.CurrentTransaction is null) signal.Notify(); // SaveChanges committed its own transaction
        else AwaitingCommit.AddOrUpdate(context, true);
    }

    private void NotifyIfCommitted(DbContext? context)
    {
        if (context is not null && AwaitingCommit.Remove(context)) signal.Notify();
    }

    private static void Forget(DbContext? context)
    {
        if (context is not null) AwaitingCommit.Remove(context);
    }
}
