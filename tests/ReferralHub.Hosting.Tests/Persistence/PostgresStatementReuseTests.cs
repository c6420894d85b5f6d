using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Tests.Messaging;
using ReferralHub.Reliability.Worker;
using ReferralHub.Testing;

namespace ReferralHub.Hosting.Tests.Persistence;

/// <summary>
/// On PostgreSQL a service's repeated statements are prepared once per connection (Npgsql's automatic preparation,
/// <c>Storage:PostgresMaxAutoPrepare</c>), and an operator's own connection-string settings win over the hub's defaults.
/// </summary>
[Collection(TestCollections.Servers)]
public sealed class PostgresStatementReuseTests(RabbitMqServer rabbitMq, PostgresServer postgres)
{
    /// <summary>Each test gets its own database and its own virtual host, as in <see cref="DistributedModeDeliveryTests"/>.</summary>
    private async Task<Dictionary<string, string?>> IsolatedSettingsAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        return ReliabilityHost.Distributed(postgres.ConnectionStringFor(name), await rabbitMq.CreateVirtualHostAsync(name));
    }

    [Fact]
    public async Task A_statement_a_service_repeats_is_prepared_on_its_connection_and_a_reused_connection_keeps_it()
    {
        await using var host = await ReliabilityHost.StartAsync(await IsolatedSettingsAsync());

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
            await db.Database.OpenConnectionAsync();
            for (var i = 0; i < 3; i++) await db.Tallies.Where(t => t.Key == "k" + i).CountAsync();
            Assert.True(await PreparedStatementsAsync(db) > 0, "the query run three times is prepared on the connection");
        }

        // The pool hands the physical connection out again (without a reset): its prepared statements are still there.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
            await db.Database.OpenConnectionAsync();
            Assert.True(await PreparedStatementsAsync(db) > 0, "a pooled connection used again still has its prepared statements");
        }
    }

    [Fact]
    public async Task With_automatic_preparation_off_nothing_is_prepared()
    {
        var settings = await IsolatedSettingsAsync();
        settings["Storage:PostgresMaxAutoPrepare"] = "0";
        await using var host = await ReliabilityHost.StartAsync(settings);

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
        await db.Database.OpenConnectionAsync();
        for (var i = 0; i < 3; i++) await db.Tallies.Where(t => t.Key == "k" + i).CountAsync();
        Assert.Equal(0, await PreparedStatementsAsync(db));
    }

    [Fact]
    public void The_hub_adds_its_defaults_only_where_the_connection_string_is_silent()
    {
        var plain = new NpgsqlConnectionStringBuilder(ServiceDatabase.WithStatementReuse("Host=db;Database=referrals", 64));
        Assert.Equal(64, plain.MaxAutoPrepare);
        Assert.Equal(2, plain.AutoPrepareMinUsages);
        Assert.True(plain.NoResetOnClose);

        // Behind a PgBouncer in transaction mode the operator writes Max Auto Prepare=0: it stays 0, and connections keep their reset.
        var bouncer = new NpgsqlConnectionStringBuilder(ServiceDatabase.WithStatementReuse("Host=db;Database=referrals;Max Auto Prepare=0", 64));
        Assert.Equal(0, bouncer.MaxAutoPrepare);
        Assert.True(bouncer.NoResetOnClose, "no prepared statements to keep, but nothing else needs the reset either");

        var own = new NpgsqlConnectionStringBuilder(ServiceDatabase.WithStatementReuse(
            "Host=db;Database=referrals;MaxAutoPrepare=10;Auto Prepare Min Usages=5;No Reset On Close=false", 64));
        Assert.Equal(10, own.MaxAutoPrepare);
        Assert.Equal(5, own.AutoPrepareMinUsages);
        Assert.False(own.NoResetOnClose);

        var off = new NpgsqlConnectionStringBuilder(ServiceDatabase.WithStatementReuse("Host=db;Database=referrals", 0));
        Assert.Equal(0, off.MaxAutoPrepare);
        Assert.False(off.NoResetOnClose);
    }

    private static async Task<long> PreparedStatementsAsync(DbContext db)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_prepared_statements";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
