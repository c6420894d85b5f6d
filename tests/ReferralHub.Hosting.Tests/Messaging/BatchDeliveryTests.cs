using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Reliability.Worker;
using ReferralHub.Testing;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>
/// The delivery guarantees through the group-commit consumer base (<c>IdempotentBatchConsumer</c>, used by referral
/// routing): the reliability domain's request consumer committed a batch at a time, embedded and on RabbitMQ + PostgreSQL.
/// </summary>
public static class BatchScenarios
{
    public static Dictionary<string, string?> Batched(Dictionary<string, string?> settings) =>
        new(settings) { ["Reliability:BatchConsumer"] = "true" };

    public static async Task TheSameMessageIdTwiceHasOneEffect(Dictionary<string, string?> settings)
    {
        await using var host = await ReliabilityHost.StartAsync(settings);
        var bus = host.Services.GetRequiredService<IBus>();
        // A request whose message the dispatcher published twice (crash after the confirm, before marking it sent).
        var requestId = await host.WithDbAsync(async db =>
        {
            var request = new WorkRequest { CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Requests.Add(request);
            await db.SaveChangesAsync();
            return request.Id;
        });
        var messageId = NewId.NextGuid();
        for (var i = 0; i < 2; i++) await bus.Publish(new ProcessRequest(requestId), context => context.MessageId = messageId);

        await Eventually.TrueAsync(async () => await host.PendingAsync() == 0, "the request to be processed");
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == messageId)) == 1, "the inbox to record the message");
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(1, effects[requestId]);
        Assert.Equal(1, await host.WithDbAsync(db => db.InboxMessages.CountAsync(m => m.MessageId == messageId)));
    }

    public static async Task APoisonMessageDoesNotTakeItsBatchMatesWithIt(Dictionary<string, string?> settings)
    {
        var failures = new FailureInjection { StuckAfter = TimeSpan.FromHours(1) };
        await using var host = await ReliabilityHost.StartAsync(settings, failures);
        // Committed together, so their messages arrive together and are consumed as one batch.
        var ids = await host.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var requests = Enumerable.Range(0, 6).Select(_ => new WorkRequest { CreatedAt = now, UpdatedAt = now }).ToList();
            db.Requests.AddRange(requests);
            await db.SaveChangesAsync();
            failures.PoisonRequests.Add(requests[2].Id);
            foreach (var request in requests) db.PublishViaOutbox(new ProcessRequest(request.Id), $"request-{request.Id}");
            await db.SaveChangesAsync();
            return requests.Select(r => r.Id).ToList();
        });

        await Eventually.TrueAsync(async () => await host.PendingAsync() == 1, "every request but the poison one to be processed");
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(ids.Where(id => !failures.IsPoison(id)).Order(), effects.Keys.Order());
        Assert.All(effects, e => Assert.Equal(1, e.Value));
    }
}

public sealed class EmbeddedModeBatchDeliveryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("referralhub-batch-").FullName;

    private Dictionary<string, string?> Settings => BatchScenarios.Batched(ReliabilityHost.Embedded(_data));

    [Fact]
    public Task Every_committed_change_has_exactly_one_effect() => ExactlyOnceScenarios.EveryCommittedChangeHasExactlyOneEffect(Settings);

    [Fact]
    public Task Redelivery_after_commit_does_not_repeat_the_effect() => ExactlyOnceScenarios.RedeliveryAfterCommitDoesNotRepeatTheEffect(Settings);

    [Fact]
    public Task The_same_message_id_twice_has_one_effect() => BatchScenarios.TheSameMessageIdTwiceHasOneEffect(Settings);

    [Fact]
    public Task A_poison_message_does_not_take_its_batch_mates_with_it() => BatchScenarios.APoisonMessageDoesNotTakeItsBatchMatesWithIt(Settings);

    [Fact]
    public Task A_lost_message_is_redriven_once() => ExactlyOnceScenarios.ALostMessageIsRedrivenOnce(Settings);

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* SQLite may still hold the file briefly */ }
    }
}

[Collection(TestCollections.Servers)]
public sealed class DistributedModeBatchDeliveryTests(RabbitMqServer rabbitMq, PostgresServer postgres)
{
    private async Task<Dictionary<string, string?>> IsolatedSettingsAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        return BatchScenarios.Batched(ReliabilityHost.Distributed(postgres.ConnectionStringFor(name), await rabbitMq.CreateVirtualHostAsync(name)));
    }

    [Fact]
    public async Task Every_committed_change_has_exactly_one_effect() =>
        await ExactlyOnceScenarios.EveryCommittedChangeHasExactlyOneEffect(await IsolatedSettingsAsync());

    [Fact]
    public async Task Redelivery_after_commit_does_not_repeat_the_effect() =>
        await ExactlyOnceScenarios.RedeliveryAfterCommitDoesNotRepeatTheEffect(await IsolatedSettingsAsync());

    [Fact]
    public async Task A_poison_message_does_not_take_its_batch_mates_with_it() =>
        await BatchScenarios.APoisonMessageDoesNotTakeItsBatchMatesWithIt(await IsolatedSettingsAsync());

    // Referral routing runs 8 batches at once on PostgreSQL (ReferralsModule.RoutingBatchesAtOnce): the same guarantees
    // with batches committing side by side, a redelivered message possibly in another batch than its first copy.
    private async Task<Dictionary<string, string?>> EightBatchesAtOnceAsync() =>
        new(await IsolatedSettingsAsync()) { ["Reliability:BatchConcurrency"] = "8" };

    [Fact]
    public async Task Eight_batches_at_once_every_committed_change_has_exactly_one_effect() =>
        await ExactlyOnceScenarios.EveryCommittedChangeHasExactlyOneEffect(await EightBatchesAtOnceAsync());

    [Fact]
    public async Task Eight_batches_at_once_redelivery_after_commit_does_not_repeat_the_effect() =>
        await ExactlyOnceScenarios.RedeliveryAfterCommitDoesNotRepeatTheEffect(await EightBatchesAtOnceAsync());

    [Fact]
    public async Task Eight_batches_at_once_the_same_message_id_twice_has_one_effect() =>
        await BatchScenarios.TheSameMessageIdTwiceHasOneEffect(await EightBatchesAtOnceAsync());

    /// <summary>
    /// A message waits in its batch until the batch commits, so 8 batches of 8 at once need the endpoint to hold 64
    /// messages, above the bus's default of 16 per endpoint. Held in consumption, the batches must still take every
    /// message off the queue (with 16, 48 would wait there: two batches' worth at a time), and each has one effect.
    /// </summary>
    [Fact]
    public async Task Eight_batches_at_once_are_in_consumption_together()
    {
        var settings = await EightBatchesAtOnceAsync();
        var failures = new FailureInjection { StuckAfter = TimeSpan.FromHours(1) };
        failures.HoldBatches();
        await using var host = await ReliabilityHost.StartAsync(settings, failures);
        const int messages = 8 * 8;
        var ids = await host.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var requests = Enumerable.Range(0, messages).Select(_ => new WorkRequest { CreatedAt = now, UpdatedAt = now }).ToList();
            db.Requests.AddRange(requests);
            await db.SaveChangesAsync();
            foreach (var request in requests) db.PublishViaOutbox(new ProcessRequest(request.Id), $"request-{request.Id}");
            await db.SaveChangesAsync();
            return requests.Select(r => r.Id).ToList();
        });

        var queue = QueueOwnership.QueueName<ProcessRequestBatchConsumer>("reliability");
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.SentAt == null)) == 0, "the outbox to publish every message");
        await Eventually.TrueAsync(async () => await ReadyAsync(settings, queue) == 0, $"every message of {queue} to be taken while the batches are held",
            TimeSpan.FromSeconds(60));

        failures.ReleaseBatches();
        await Eventually.TrueAsync(async () => await host.PendingAsync() == 0, "every request to be processed");
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(ids.Order(), effects.Keys.Order());
        Assert.All(effects, e => Assert.Equal(1, e.Value));
    }

    /// <summary>Messages waiting in the queue, not yet delivered to a consumer (a passive declare: no management plugin needed).</summary>
    private static async Task<uint> ReadyAsync(Dictionary<string, string?> settings, string queue)
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(settings["ConnectionStrings:RabbitMq"]!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
