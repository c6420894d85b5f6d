using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Messaging;

/// <summary>
/// A consumer whose effect and its inbox record commit in one transaction, so a redelivered or re-published
/// message (same MessageId) never repeats the effect. Subclasses change state on <see cref="Db"/> (and may
/// <see cref="Outbox.PublishViaOutbox{TMessage}"/>) in <see cref="HandleAsync"/>; they do not call SaveChanges.
/// </summary>
public abstract class IdempotentConsumer<TMessage, TContext>(TContext db, ILogger logger, TimeProvider clock) : IConsumer<TMessage>
    where TMessage : class
    where TContext : ServiceDbContext
{
    // Compiled once: the inbox check runs for every message, and EF's per-call work on a LINQ query (parameter
    // extraction, hashing the expression tree for its cache) cost as much as the statement (issue 17's profile).
    private static readonly CompiledQuery<Func<TContext, Guid, string, CancellationToken, Task<bool>>> SeenQuery = new(() => EF.CompileAsyncQuery(
        (TContext db, Guid messageId, string consumer, CancellationToken _) => db.InboxMessages.Any(m => m.MessageId == messageId && m.Consumer == consumer)));

    protected TContext Db { get; } = db;

    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>The name the inbox records; stable across deployments (the type name, not its assembly version).</summary>
    protected virtual string ConsumerName => GetType().FullName ?? GetType().Name;

    public virtual async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId; it cannot be de-duplicated.");
        var consumer = ConsumerName;

        var strategy = Db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            Db.ChangeTracker.Clear(); // a retry must not carry half of a failed attempt
            await using var transaction = await Db.Database.BeginTransactionAsync(context.CancellationToken);
            var seen = await SeenQuery.For(Db)(Db, messageId, consumer, context.CancellationToken);
            if (seen)
            {
                Logger.LogInformation("{Consumer} already handled message {MessageId}; skipped", consumer, messageId);
                return;
            }

            await HandleAsync(context);
            Db.InboxMessages.Add(new InboxMessage { MessageId = messageId, Consumer = consumer, HandledAt = Clock.GetUtcNow().UtcDateTime });
            await Db.SaveChangesAsync(context.CancellationToken);
            await transaction.CommitAsync(context.CancellationToken);
        });
    }

    protected abstract Task HandleAsync(ConsumeContext<TMessage> context);
}
