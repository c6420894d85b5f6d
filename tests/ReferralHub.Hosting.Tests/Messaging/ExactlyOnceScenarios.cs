using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Reliability.Worker;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>
/// The delivery guarantees every ReferralHub service relies on, written once and run against each run mode
/// (embedded: SQLite + in-memory bus; distributed: PostgreSQL + RabbitMQ).
/// </summary>
public static class ExactlyOnceScenarios
{
    public static async Task EveryCommittedChangeHasExactlyOneEffect(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings);
        var ids = new List<long>();
        for (var i = 0; i < 40; i++) ids.Add(await host.SubmitAsync());

        await Eventually.TrueAsync(async () => await host.PendingAsync() == 0, "every request to be processed");
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(ids.Order(), effects.Keys.Order());
        Assert.All(effects, e => Assert.Equal(1, e.Value));
        // A message can be consumed before the dispatcher has marked its row sent; the row must still end up sent.
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.SentAt == null)) == 0, "the outbox to be empty");
    }

    public static async Task RedeliveryAfterCommitDoesNotRepeatTheEffect(Dictionary<string, string?> settings)
    {
        // No re-drives here: a re-driven copy (new message id) would fail after commit too and spoil the count.
        var failures = new FailureInjection { FailAfterCommit = _ => true, StuckAfter = TimeSpan.FromHours(1) };
        await using var host = await ReliabilityHost.StartAsync(settings, failures);
        for (var i = 0; i < 10; i++) await host.SubmitAsync();

        await Eventually.TrueAsync(async () => await host.PendingAsync() == 0 && failures.FailedAfterCommit == 10, "every request to be processed and redelivered");
        // Let the redeliveries land: each consumer saw its message at least twice.
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.InboxMessages.CountAsync()) == 10, "the inbox to hold each message once");
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(10, effects.Count);
        Assert.All(effects, e => Assert.Equal(1, e.Value));
    }

    public static async Task TheSameMessageIdTwiceHasOneEffect(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings);
        var bus = host.Services.GetRequiredService<IBus>();
        var deliveries = new DeliveryCounter<RecordTally>();
        using var observer = bus.ConnectConsumeObserver(deliveries);
        var messageId = NewId.NextGuid();

        // What a dispatcher does when it crashed after the broker confirmed but before it marked the row sent.
        for (var i = 0; i < 2; i++)
            await bus.Publish(new RecordTally("duplicate"), context => context.MessageId = messageId);

        await Eventually.TrueAsync(() => Task.FromResult(deliveries.Completed == 2), "both copies to be consumed");
        Assert.Equal(1, await host.WithDbAsync(db => db.Tallies.CountAsync(t => t.Key == "duplicate")));
        Assert.Equal(1, await host.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == messageId)));
    }

    public static async Task MessagesArePublishedInCommitOrderPerAggregate(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings);
        var published = new PublishRecorder();
        using var observer = host.Services.GetRequiredService<IBus>().ConnectPublishObserver(published);

        // Three cases, each with a sequence of state changes, interleaved in one commit.
        await host.WithDbAsync(async db =>
        {
            for (var step = 0; step < 10; step++)
                for (var caseNo = 1; caseNo <= 3; caseNo++)
                    db.PublishViaOutbox(new RecordTally($"case-{caseNo}/{step:D2}"), $"case-{caseNo}");
            return await db.SaveChangesAsync();
        });

        await Eventually.TrueAsync(() => Task.FromResult(published.Count == 30), "all 30 messages to be published");
        foreach (var caseNo in new[] { 1, 2, 3 })
        {
            var order = published.For($"case-{caseNo}");
            Assert.Equal(Enumerable.Range(0, 10).Select(step => $"case-{caseNo}/{step:D2}"), order);
        }
    }

    public static async Task AFailedPublishHoldsBackOnlyItsOwnAggregate(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings);
        var bus = host.Services.GetRequiredService<IBus>();
        var published = new PublishRecorder();
        var failOnce = new FailFirstPublishOf("case-a/1");
        using var recorder = bus.ConnectPublishObserver(published);
        using var failer = bus.ConnectPublishObserver(failOnce);

        await host.WithDbAsync(async db =>
        {
            db.PublishViaOutbox(new RecordTally("case-a/1"), "case-a");
            db.PublishViaOutbox(new RecordTally("case-b/1"), "case-b");
            db.PublishViaOutbox(new RecordTally("case-a/2"), "case-a");
            db.PublishViaOutbox(new RecordTally("case-b/2"), "case-b");
            return await db.SaveChangesAsync();
        });

        await Eventually.TrueAsync(() => Task.FromResult(published.Count == 4), "all four messages to be published");
        Assert.True(failOnce.Failed);
        Assert.Equal(["case-a/1", "case-a/2"], published.For("case-a")); // case-a/2 waited for case-a/1
        Assert.Equal(["case-b/1", "case-b/2"], published.For("case-b"));
        Assert.Equal("case-b/1", published.All[0]); // the other case was not held back by case-a's failure
        // The row is saved after its dispatch round ends, a moment after the publish was confirmed (a broker's confirm
        // arrives before that save): wait for the round, then check what it recorded.
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.Body.Contains("case-a/1") && m.SentAt != null)),
            "case-a/1's row to be marked sent");
        var retried = await host.WithDbAsync(db => db.OutboxMessages.SingleAsync(m => m.Body.Contains("case-a/1")));
        Assert.Equal(2, retried.Attempts);
        Assert.NotNull(retried.LastError);
    }

    public static async Task ARolledBackChangePublishesNothing(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings);
        await host.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.PublishViaOutbox(new RecordTally("rolled-back"), "tally-rolled-back");
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
            return 0;
        });
        await host.WithDbAsync(async db =>
        {
            db.PublishViaOutbox(new RecordTally("committed"), "tally-committed");
            return await db.SaveChangesAsync();
        });

        // The outbox publishes in commit order, so once the later change took effect the earlier one would have too.
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.Tallies.AnyAsync(t => t.Key == "committed")), "the committed tally");
        Assert.False(await host.WithDbAsync(db => db.Tallies.AnyAsync(t => t.Key == "rolled-back")));
        Assert.Equal(1, await host.WithDbAsync(db => db.OutboxMessages.CountAsync()));
    }

    public static async Task APoisonMessageIsCountedAndDoesNotStopTheRest(Dictionary<string, string?> settings)
    {
        // The poison request stays pending: the sweep must not send it again while the faults are counted.
        var failures = new FailureInjection { StuckAfter = TimeSpan.FromHours(1) };
        failures.PoisonRequests.Add(1);
        await using var host = await ReliabilityHost.StartAsync(settings, failures);
        for (var i = 0; i < 5; i++) await host.SubmitAsync();

        var faults = host.Services.GetRequiredService<MessagingFaults>();
        await Eventually.TrueAsync(() => Task.FromResult(faults.Snapshot().Any(f => f.MessageType == nameof(ProcessRequest))), "the poison message to be counted");
        await Eventually.TrueAsync(async () => await host.PendingAsync() == 1, "the other requests to be processed");
        var fault = Assert.Single(faults.Snapshot());
        Assert.Equal(1, fault.Count); // once per message, not once per retry
        Assert.Equal(nameof(InvalidOperationException), fault.LastException);
    }

    public static async Task ALostMessageIsRedrivenOnce(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings, new FailureInjection { StuckAfter = TimeSpan.FromSeconds(1) });
        // A request committed while its message was lost (the in-memory bus died with the process before consuming it).
        var lost = await host.WithDbAsync(async db =>
        {
            var past = DateTime.UtcNow.AddMinutes(-1);
            var request = new WorkRequest { CreatedAt = past, UpdatedAt = past };
            db.Requests.Add(request);
            await db.SaveChangesAsync();
            return request.Id;
        });

        await Eventually.TrueAsync(async () => await host.PendingAsync() == 0, "the sweep to re-drive the stuck request");
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(1, effects[lost]);
    }
}

/// <summary>Counts completed consumes of one message type, so a test knows a duplicate has really been delivered.</summary>
public sealed class DeliveryCounter<TMessage> : IConsumeObserver where TMessage : class
{
    private int _completed;

    public int Completed => Volatile.Read(ref _completed);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (typeof(T) == typeof(TMessage)) Interlocked.Increment(ref _completed);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

/// <summary>Records, per aggregate header, the order in which the transport confirmed publishes.</summary>
public sealed class PublishRecorder : IPublishObserver
{
    private readonly List<(string Aggregate, string Key)> _published = [];

    public int Count
    {
        get { lock (_published) return _published.Count; }
    }

    public IReadOnlyList<string> All
    {
        get { lock (_published) return [.. _published.Select(p => p.Key)]; }
    }

    public IReadOnlyList<string> For(string aggregate)
    {
        lock (_published) return [.. _published.Where(p => p.Aggregate == aggregate).Select(p => p.Key)];
    }

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is RecordTally tally)
            lock (_published) _published.Add((context.Headers.Get<string>(OutboxHeaders.AggregateId) ?? "", tally.Key));
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

/// <summary>Makes the transport refuse the first publish of one message, as a broker outage would.</summary>
public sealed class FailFirstPublishOf(string key) : IPublishObserver
{
    private int _failed;

    public bool Failed => Volatile.Read(ref _failed) == 1;

    public Task PrePublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is RecordTally tally && tally.Key == key && Interlocked.Exchange(ref _failed, 1) == 0)
            throw new InvalidOperationException("injected: the broker refused the publish");
        return Task.CompletedTask;
    }

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
