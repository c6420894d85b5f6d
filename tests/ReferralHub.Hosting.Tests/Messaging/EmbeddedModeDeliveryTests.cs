namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>The guarantees in embedded mode: SQLite file and the in-memory transport, no server needed.</summary>
public sealed class EmbeddedModeDeliveryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("referralhub-embedded-").FullName;

    private Dictionary<string, string?> Settings => ReliabilityHost.Embedded(_data);

    [Fact]
    public Task Every_committed_change_has_exactly_one_effect() => ExactlyOnceScenarios.EveryCommittedChangeHasExactlyOneEffect(Settings);

    [Fact]
    public Task Redelivery_after_commit_does_not_repeat_the_effect() => ExactlyOnceScenarios.RedeliveryAfterCommitDoesNotRepeatTheEffect(Settings);

    [Fact]
    public Task The_same_message_id_twice_has_one_effect() => ExactlyOnceScenarios.TheSameMessageIdTwiceHasOneEffect(Settings);

    [Fact]
    public Task Messages_are_published_in_commit_order_per_aggregate() => ExactlyOnceScenarios.MessagesArePublishedInCommitOrderPerAggregate(Settings);

    [Fact]
    public Task A_failed_publish_holds_back_only_its_own_aggregate() => ExactlyOnceScenarios.AFailedPublishHoldsBackOnlyItsOwnAggregate(Settings);

    [Fact]
    public Task A_rolled_back_change_publishes_nothing() => ExactlyOnceScenarios.ARolledBackChangePublishesNothing(Settings);

    [Fact]
    public Task A_poison_message_is_counted_once_and_does_not_stop_the_rest() => ExactlyOnceScenarios.APoisonMessageIsCountedAndDoesNotStopTheRest(Settings);

    [Fact]
    public Task A_lost_message_is_redriven_once() => ExactlyOnceScenarios.ALostMessageIsRedrivenOnce(Settings);

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* SQLite may still hold the file briefly */ }
    }
}
