using Microsoft.EntityFrameworkCore;
using ReferralHub.Reliability.Worker;
using ReferralHub.Testing;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>
/// A process killed with SIGKILL in the middle of its work, then started again: every state change it committed takes
/// effect exactly once, whether its message was unsent, in flight on the broker, or half-consumed when it died.
/// </summary>
[Collection(TestCollections.Servers)]
public sealed class ProcessCrashTests(RabbitMqServer rabbitMq, PostgresServer postgres) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("referralhub-crash-").FullName;

    private async Task<Dictionary<string, string?>> DistributedAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        return ReliabilityHost.Distributed(postgres.ConnectionStringFor(name), await rabbitMq.CreateVirtualHostAsync(name));
    }

    [Fact]
    public async Task Embedded_mode_killed_mid_stream_loses_nothing_and_repeats_nothing() =>
        await KilledMidStreamAndRestarted(ReliabilityHost.Embedded(_data));

    [Fact]
    public async Task Distributed_mode_killed_mid_stream_loses_nothing_and_repeats_nothing() =>
        await KilledMidStreamAndRestarted(await DistributedAsync());

    [Fact]
    public async Task Embedded_mode_messages_committed_but_never_published_go_out_on_restart() =>
        await CommittedButNeverPublished(ReliabilityHost.Embedded(_data));

    [Fact]
    public async Task Distributed_mode_messages_committed_but_never_published_go_out_on_restart() =>
        await CommittedButNeverPublished(await DistributedAsync());

    private static async Task KilledMidStreamAndRestarted(Dictionary<string, string?> settings)
    {
        using (var producer = WorkerProcess.Start(settings, produce: 400))
        {
            await Eventually.TrueAsync(async () => producer.HasExited || await WorkerDatabase.CountAsync(settings) >= 100,
                "the worker to commit 100 requests");
            Assert.False(producer.HasExited, $"the worker stopped on its own:{Environment.NewLine}{producer.RecentOutput}");
            producer.KillHard();
        }

        var committed = await WorkerDatabase.CountAsync(settings);
        Assert.InRange(committed, 100, 399); // killed mid-stream, not before or after

        using var restarted = WorkerProcess.Start(settings);
        await Eventually.TrueAsync(async () => await WorkerDatabase.CountAsync(settings, q => q.Where(r => r.Status == WorkRequest.Pending)) == 0,
            "every committed request to be processed after the restart", TimeSpan.FromMinutes(2));

        var effects = await WorkerDatabase.EffectsPerRequestAsync(settings);
        Assert.Equal(committed, effects.Count);
        Assert.All(effects, e => Assert.True(e.Value == 1, $"request {e.Key} took effect {e.Value} times"));
    }

    private static async Task CommittedButNeverPublished(Dictionary<string, string?> settings)
    {
        // The test process commits state and outbox rows and never publishes: exactly what a process that died right
        // after its commit leaves behind.
        await using (var db = WorkerDatabase.Open(settings))
        {
            await db.Database.EnsureCreatedAsync();
            for (var i = 0; i < 25; i++) await WorkRequests.SubmitAsync(db, TimeProvider.System, CancellationToken.None);
            Assert.Equal(25, await db.OutboxMessages.CountAsync(m => m.SentAt == null));
        }

        using var restarted = WorkerProcess.Start(settings);
        await Eventually.TrueAsync(async () => await WorkerDatabase.CountAsync(settings, q => q.Where(r => r.Status == WorkRequest.Pending)) == 0,
            "the restarted process to publish and process the backlog");

        var effects = await WorkerDatabase.EffectsPerRequestAsync(settings);
        Assert.Equal(25, effects.Count);
        Assert.All(effects, e => Assert.Equal(1, e.Value));
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
