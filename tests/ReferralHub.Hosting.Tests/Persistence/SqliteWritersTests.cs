using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Reliability.Worker;

namespace ReferralHub.Hosting.Tests.Persistence;

/// <summary>
/// The embedded mode's SQLite writers: with <c>Storage:SqliteWriteGate</c> on they queue in process for the file
/// (<see cref="SqliteWriteGate"/>), and the outbox
/// dispatcher is woken when outbox rows are committed. The host is built but not started, so no dispatcher or
/// consumer takes the signal or writes behind the test's back.
/// </summary>
public sealed class SqliteWritersTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("referralhub-writers-").FullName;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data, ["Storage:SqliteWriteGate"] = "true" });
        builder.AddReliabilityDomain();
        _host = builder.Build();
        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        if (db.Database.GetMigrations().Any()) await db.Database.MigrateAsync();
        else await db.Database.EnsureCreatedAsync();
    }

    private sealed record Noted(int N);

    [Fact]
    public async Task Outbox_rows_saved_inside_a_transaction_wake_the_dispatcher_at_commit_not_before()
    {
        var signal = _host.Services.GetRequiredService<OutboxSignal<ReliabilityDbContext>>();
        while (await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None)) { } // nothing pending from set-up

        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.PublishViaOutbox(new Noted(1), "aggregate-1");
        await db.SaveChangesAsync();
        // Before the commit another connection cannot see the row: waking the dispatcher now would only make it sleep.
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));

        await transaction.CommitAsync();
        Assert.True(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task Outbox_rows_of_a_rolled_back_transaction_do_not_wake_the_dispatcher()
    {
        var signal = _host.Services.GetRequiredService<OutboxSignal<ReliabilityDbContext>>();
        while (await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None)) { }

        await using var scope = _host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.PublishViaOutbox(new Noted(2), "aggregate-2");
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task Concurrent_writers_of_one_file_all_commit_and_leave_the_file_free()
    {
        // Three kinds of writer at once: a transaction that commits, one disposed without commit (an inbox hit returns
        // early like this), and a SaveChanges without a transaction of its own.
        var work = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            await using var scope = _host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
            switch (i % 3)
            {
                case 0:
                    await WorkRequests.SubmitAsync(db, TimeProvider.System, CancellationToken.None);
                    break;
                case 1:
                    await using (await db.Database.BeginTransactionAsync())
                    {
                        await db.Requests.AnyAsync();
                    }
                    break;
                default:
                    db.Tallies.Add(new TallyMark { Key = $"k{i}" });
                    await db.SaveChangesAsync();
                    break;
            }
        }));
        await Task.WhenAll(work);

        await using var check = _host.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
        Assert.Equal(20, await db.Requests.CountAsync());
        Assert.Equal(20, await db.OutboxMessages.CountAsync());
        Assert.Equal(20, await db.Tallies.CountAsync());
        Assert.True(SqliteWriteGate.IsIdle(db.Database.GetConnectionString()!), "a writer kept the file's gate after its transaction ended");
    }

    public Task DisposeAsync()
    {
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { /* SQLite may still hold the file briefly */ }
        return Task.CompletedTask;
    }
}
