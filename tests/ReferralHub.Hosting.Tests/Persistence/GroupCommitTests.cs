using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Tests.Messaging;
using ReferralHub.Reliability.Worker;

namespace ReferralHub.Hosting.Tests.Persistence;

/// <summary>Group commit (used by referral submission): many callers' new rows in one transaction, each caller's all-or-nothing.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("referralhub-group-").FullName;

    [Fact]
    public async Task Concurrent_callers_all_commit_with_their_outbox_messages()
    {
        await using var host = await ReliabilityHost.StartAsync(ReliabilityHost.Embedded(_data));
        await using var group = new GroupCommit<ReliabilityDbContext>(host.Services.GetRequiredService<IServiceScopeFactory>(), NullLogger<GroupCommit<ReliabilityDbContext>>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => host.WithDbAsync(async db =>
        {
            db.Tallies.Add(new TallyMark { Key = $"direct-{i}" });
            db.PublishViaOutbox(new RecordTally($"via-outbox-{i}"), $"tally-{i}");
            await group.SaveAsync(db, CancellationToken.None);
            return 0;
        })));

        Assert.Equal(40, await host.WithDbAsync(db => db.Tallies.CountAsync(t => t.Key.StartsWith("direct-"))));
        // The outbox rows committed with them, and the dispatcher was woken to publish them.
        await Eventually.TrueAsync(async () => await host.WithDbAsync(db => db.Tallies.CountAsync(t => t.Key.StartsWith("via-outbox-"))) == 40, "every outbox message to be consumed");
    }

    [Fact]
    public async Task A_conflict_fails_only_the_caller_that_caused_it()
    {
        await using var host = await ReliabilityHost.StartAsync(ReliabilityHost.Embedded(_data));
        await using var group = new GroupCommit<ReliabilityDbContext>(host.Services.GetRequiredService<IServiceScopeFactory>(), NullLogger<GroupCommit<ReliabilityDbContext>>.Instance);
        var taken = Guid.NewGuid();
        await host.WithDbAsync(async db =>
        {
            db.InboxMessages.Add(new InboxMessage { MessageId = taken, Consumer = "test", HandledAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => host.WithDbAsync(async db =>
        {
            db.Tallies.Add(new TallyMark { Key = $"unit-{i}" });
            if (i == 5) db.InboxMessages.Add(new InboxMessage { MessageId = taken, Consumer = "test", HandledAt = DateTime.UtcNow }); // same key again
            try { await group.SaveAsync(db, CancellationToken.None); return (i, Failed: false); }
            catch (DbUpdateException) { return (i, Failed: true); }
        })));

        Assert.Equal([5], outcomes.Where(o => o.Failed).Select(o => o.i));
        var stored = await host.WithDbAsync(db => db.Tallies.Where(t => t.Key.StartsWith("unit-")).Select(t => t.Key).ToListAsync());
        Assert.Equal(Enumerable.Range(0, 12).Where(i => i != 5).Select(i => $"unit-{i}").Order(), stored.Order());
    }

    [Fact]
    public async Task A_change_to_an_existing_row_is_refused()
    {
        await using var host = await ReliabilityHost.StartAsync(ReliabilityHost.Embedded(_data));
        await using var group = new GroupCommit<ReliabilityDbContext>(host.Services.GetRequiredService<IServiceScopeFactory>(), NullLogger<GroupCommit<ReliabilityDbContext>>.Instance);
        var id = await host.SubmitAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.WithDbAsync(async db =>
        {
            var request = await db.Requests.SingleAsync(r => r.Id == id);
            request.Version++;
            await group.SaveAsync(db, CancellationToken.None);
            return 0;
        }));
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* SQLite may still hold the file briefly */ }
    }
}
