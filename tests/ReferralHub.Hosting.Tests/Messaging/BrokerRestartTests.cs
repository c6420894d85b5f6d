using ReferralHub.Testing;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>The broker going away and coming back in the middle of a stream of state changes loses nothing and repeats nothing.</summary>
[Collection(TestCollections.Servers)]
public sealed class BrokerRestartTests(RabbitMqServer rabbitMq, PostgresServer postgres)
{
    [Fact]
    public async Task A_broker_restart_mid_stream_loses_nothing_and_repeats_nothing()
    {
        Assert.True(rabbitMq.CanRestart, "this test restarts the broker, so it needs one the fixture started (not REFERRALHUB_RABBITMQ)");
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        await using var host = await ReliabilityHost.StartAsync(
            ReliabilityHost.Distributed(postgres.ConnectionStringFor(name), await rabbitMq.CreateVirtualHostAsync(name)));

        var submitted = new List<long>();
        for (var i = 0; i < 60; i++) submitted.Add(await host.SubmitAsync());
        await rabbitMq.StopAppAsync();
        // State changes keep committing while the broker is down: they wait in the outbox.
        for (var i = 0; i < 60; i++) submitted.Add(await host.SubmitAsync());
        await rabbitMq.StartAppAsync();
        for (var i = 0; i < 60; i++) submitted.Add(await host.SubmitAsync());

        await Eventually.TrueAsync(async () => await host.PendingAsync() == 0, "every request to be processed after the restart", TimeSpan.FromMinutes(3));
        var effects = await host.EffectsPerRequestAsync();
        Assert.Equal(submitted.Order(), effects.Keys.Order());
        Assert.All(effects, e => Assert.Equal(1, e.Value));
    }
}
