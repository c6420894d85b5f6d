using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Tests.Messaging;
using ReferralHub.Reliability.Worker;

namespace ReferralHub.Hosting.Tests.Persistence;

/// <summary>
/// Service databases hand out pooled DbContexts (Storage:DbContextPoolSize): a scope reuses a context another scope
/// returned, and gets it back clean — nothing tracked, no transaction, nothing of the last unit of work saved by the next.
/// </summary>
public sealed class DbContextPoolTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("referralhub-pool-").FullName;

    [Fact]
    public async Task A_scope_reuses_a_returned_context_and_gets_it_back_clean()
    {
        await using var host = await ReliabilityHost.StartAsync(ReliabilityHost.Embedded(_data));

        ReliabilityDbContext first;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
            await first.Database.BeginTransactionAsync();
            first.Tallies.Add(new TallyMark { Key = "left-behind" }); // a unit of work abandoned: never saved
            first.PublishViaOutbox(new RecordTally("left-behind"), "tally-left-behind");
        }

        // The pool hands contexts out in the order they came back (the host's own services borrow some too), so one
        // scope after another reaches the returned context within the pool's few entries.
        var reused = false;
        for (var i = 0; i < 100 && !reused; i++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var next = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
            if (!ReferenceEquals(next, first)) continue;
            reused = true;
            Assert.Empty(next.ChangeTracker.Entries());
            Assert.Null(next.Database.CurrentTransaction);
            next.Tallies.Add(new TallyMark { Key = "saved" });
            await next.SaveChangesAsync();
        }

        Assert.True(reused, "a returned context is reused by a later scope");
        var keys = await host.WithDbAsync(db => db.Tallies.Select(t => t.Key).ToListAsync());
        Assert.Equal(["saved"], keys);
        Assert.Equal(0, await host.WithDbAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task A_pool_size_of_zero_gives_each_scope_its_own_context()
    {
        var settings = ReliabilityHost.Embedded(_data);
        settings["Storage:DbContextPoolSize"] = "0";
        await using var host = await ReliabilityHost.StartAsync(settings);

        ReliabilityDbContext first;
        await using (var scope = host.Services.CreateAsyncScope())
            first = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
        await using (var scope = host.Services.CreateAsyncScope())
            Assert.NotSame(first, scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>());
    }

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* SQLite may still hold the file briefly */ }
    }
}
