using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Messaging;

/// <summary>
/// <see cref="IdempotentConsumer{TMessage,TContext}"/> for a batch: the effects of every message of the batch and their
/// inbox records commit in ONE transaction (group commit). Why: a SQLite file has one writer and every commit waits for
/// its fsync, so one transaction per message caps a service at a few dozen messages per second when the machine is busy
/// (docs/benchmarks.md, "Where the time goes"); a batch of 8 pays that once.
/// A message already in the inbox is skipped, so a redelivered batch (or a message redelivered in another batch) never
/// repeats an effect. If the batch transaction fails, every message is tried again in a transaction of its own, so one
/// bad message does not take its batch-mates with it; the batch then faults (and is retried, the committed ones skipped).
/// Register with <see cref="ServiceConsumers.AddBatch{TConsumer,TMessage}"/>.
/// </summary>
public abstract class IdempotentBatchConsumer<TMessage, TContext>(TContext db, ILogger logger, TimeProvider clock) : IConsumer<Batch<TMessage>>
    where TMessage : class
    where TContext : ServiceDbContext
{
    // Compiled once: EF's per-call work on a LINQ query (parameter extraction, hashing the expression tree for its cache)
    // cost as much as the statement itself on this path, run for every batch (issue 17's profile).
    private static readonly CompiledQuery<Func<TContext, string, List<Guid>, IAsyncEnumerable<Guid>>> SeenQuery = new(() => EF.CompileAsyncQuery(
        (TContext db, string consumer, List<Guid> ids) => db.InboxMessages.Where(m => m.Consumer == consumer && ids.Contains(m.MessageId)).Select(m => m.MessageId)));

    protected TContext Db { get; } = db;

    protected TimeProvider Clock { get; } = clock;

    /// <summary>The name the inbox records; stable across deployments (the type name, not its assembly version).</summary>
    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    public virtual async Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        var messages = new List<ConsumeContext<TMessage>>(context.Message.Length);
        var ids = new HashSet<Guid>();
        foreach (var message in context.Message)
        {
            var id = message.MessageId
                ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated.");
            if (ids.Add(id)) messages.Add(message); // the same message twice in one batch: one effect
        }

        try
        {
            await CommitAsync(messages, context.CancellationToken);
        }
        catch (Exception batchFailure) when (messages.Count > 1 && batchFailure is not OperationCanceledException)
        {
            logger.LogWarning(batchFailure, "{Consumer}: a batch of {Count} failed; each message is tried on its own", ConsumerName, messages.Count);
            var failures = new List<Exception>();
            foreach (var message in messages)
            {
                try { await CommitAsync([message], context.CancellationToken); }
                catch (Exception failure) when (failure is not OperationCanceledException) { failures.Add(failure); }
            }
            if (failures.Count == 1) throw failures[0];
            if (failures.Count > 1) throw new AggregateException(failures);
        }
    }

    private async Task CommitAsync(IReadOnlyList<ConsumeContext<TMessage>> messages, CancellationToken cancellationToken)
    {
        var consumer = ConsumerName;
        var strategy = Db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            Db.ChangeTracker.Clear(); // a retry must not carry half of a failed attempt
            await using var transaction = await Db.Database.BeginTransactionAsync(cancellationToken);
            var ids = messages.Select(m => m.MessageId!.Value).ToList();
            var seen = new HashSet<Guid>();
            await foreach (var id in SeenQuery.For(Db)(Db, consumer, ids).WithCancellation(cancellationToken)) seen.Add(id);
            var now = Clock.GetUtcNow().UtcDateTime;
            var fresh = new List<ConsumeContext<TMessage>>(messages.Count);
            foreach (var message in messages)
            {
                if (seen.Contains(message.MessageId!.Value))
                    logger.LogInformation("{Consumer} already handled message {MessageId}; skipped", consumer, message.MessageId);
                else
                    fresh.Add(message);
            }
            if (fresh.Count > 0) await HandleBatchAsync(fresh, cancellationToken);
            foreach (var message in fresh)
                Db.InboxMessages.Add(new InboxMessage { MessageId = message.MessageId!.Value, Consumer = consumer, HandledAt = now });
            await Db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }

    /// <summary>
    /// Changes state on <see cref="Db"/> for the messages of one transaction not handled before, in the batch's order
    /// (never calls SaveChanges). By default one <see cref="HandleAsync"/> after the other; a consumer overrides it to read
    /// or write for the whole batch at once (one statement, not one per message).
    /// </summary>
    protected virtual async Task HandleBatchAsync(IReadOnlyList<ConsumeContext<TMessage>> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages) await HandleAsync(message);
    }

    /// <summary>Changes state on <see cref="Db"/> for one message (may publish via the outbox); never calls SaveChanges.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context);
}
