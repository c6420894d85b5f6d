using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Reliability.Worker;
using ReferralHub.Testing;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>The same guarantees on a real RabbitMQ broker (quorum queues, publisher confirms) and a real PostgreSQL server.</summary>
[Collection(TestCollections.Servers)]
public sealed class DistributedModeDeliveryTests(RabbitMqServer rabbitMq, PostgresServer postgres)
{
    /// <summary>Each test gets its own database and its own virtual host: no leftovers from another test.</summary>
    private async Task<Dictionary<string, string?>> IsolatedSettingsAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        return ReliabilityHost.Distributed(postgres.ConnectionStringFor(name), await rabbitMq.CreateVirtualHostAsync(name));
    }

    [Fact]
    public async Task Every_committed_change_has_exactly_one_effect() =>
        await ExactlyOnceScenarios.EveryCommittedChangeHasExactlyOneEffect(await IsolatedSettingsAsync());

    [Fact]
    public async Task Redelivery_after_commit_does_not_repeat_the_effect() =>
        await ExactlyOnceScenarios.RedeliveryAfterCommitDoesNotRepeatTheEffect(await IsolatedSettingsAsync());

    [Fact]
    public async Task The_same_message_id_twice_has_one_effect() =>
        await ExactlyOnceScenarios.TheSameMessageIdTwiceHasOneEffect(await IsolatedSettingsAsync());

    [Fact]
    public async Task Messages_are_published_in_commit_order_per_aggregate() =>
        await ExactlyOnceScenarios.MessagesArePublishedInCommitOrderPerAggregate(await IsolatedSettingsAsync());

    [Fact]
    public async Task A_failed_publish_holds_back_only_its_own_aggregate() =>
        await ExactlyOnceScenarios.AFailedPublishHoldsBackOnlyItsOwnAggregate(await IsolatedSettingsAsync());

    [Fact]
    public async Task A_rolled_back_change_publishes_nothing() =>
        await ExactlyOnceScenarios.ARolledBackChangePublishesNothing(await IsolatedSettingsAsync());

    [Fact]
    public async Task A_poison_message_is_counted_once_and_does_not_stop_the_rest() =>
        await ExactlyOnceScenarios.APoisonMessageIsCountedAndDoesNotStopTheRest(await IsolatedSettingsAsync());

    [Fact]
    public async Task A_lost_message_is_redriven_once() =>
        await ExactlyOnceScenarios.ALostMessageIsRedrivenOnce(await IsolatedSettingsAsync());

    [Fact]
    public async Task A_poison_message_ends_in_the_error_queue_operators_can_see()
    {
        var failures = new FailureInjection();
        failures.PoisonRequests.Add(1);
        await using var host = await ReliabilityHost.StartAsync(await IsolatedSettingsAsync(), failures);
        await host.SubmitAsync();
        var inspector = host.Services.GetRequiredService<ErrorQueueInspector>();

        await Eventually.TrueAsync(async () =>
            (await inspector.ReadAsync(CancellationToken.None)).Any(q => q.Queue == "reliability-process-request_error" && q.Messages == 1),
            "the poison message in reliability-process-request_error");
        var depths = await inspector.ReadAsync(CancellationToken.None);
        Assert.Equal(0u, depths.Single(q => q.Queue == "reliability-record-tally_error").Messages);
    }
}
