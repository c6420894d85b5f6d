using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// Leases that let one replica of a service at a time run a job on the service's database (the outbox dispatcher,
/// each sweep, the bulk runner, webhook delivery). On PostgreSQL a lease is a session advisory lock held on a
/// dedicated, unpooled connection: when the holder dies (kill -9, crash, lost host) the server ends its session and
/// the lock is free at once; the others try again at their next round (the take-over time is that round, about a
/// second for the outbox, one interval for a sweep). A holder that lost its connection finds out before its next
/// round and stops. SQLite is the embedded mode, one process per file: every lease is always held.
/// </summary>
public sealed class ServiceLeases<TContext>(ServiceDatabaseInfo database, string connectionString, ILogger<ServiceLeases<TContext>> logger) : IAsyncDisposable
    where TContext : ServiceDbContext
{
    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);

    /// <summary>Whether this process holds (or now takes) the lease <paramref name="name"/>.</summary>
    public async ValueTask<bool> HoldAsync(string name, CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Postgres) return true;
        var lease = _leases.GetOrAdd(name, _ => new Lease());
        await lease.Gate.WaitAsync(cancellationToken);
        try
        {
            if (lease.Connection is not null)
            {
                try
                {
                    await using var probe = new NpgsqlCommand("SELECT 1", lease.Connection) { CommandTimeout = 5 };
                    await probe.ExecuteScalarAsync(cancellationToken);
                    return true;
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    logger.LogWarning("Lease {Lease} on {Database} lost ({Error}); another replica may take it", name, database.Name, ex.GetType().Name);
                    await lease.DropAsync();
                }
            }

            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
            {
                Pooling = false, // a pooled connection would keep the lock after "close"
                ApplicationName = $"referralhub-lease-{name}",
                KeepAlive = 10,
            }.ConnectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                // The server notices a silent holder (lost host, cut network) within ~30 s and frees the lock.
                await using (var keepalive = new NpgsqlCommand(
                    "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3", connection))
                    await keepalive.ExecuteNonQueryAsync(cancellationToken);
                await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
                take.Parameters.AddWithValue("key", Key(name));
                if (await take.ExecuteScalarAsync(cancellationToken) is true)
                {
                    lease.Connection = connection;
                    logger.LogInformation("Lease {Lease} on {Database} taken", name, database.Name);
                    return true;
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                logger.LogDebug("Lease {Lease} on {Database} not taken: {Error}", name, database.Name, ex.GetType().Name);
            }

            await connection.DisposeAsync();
            return false;
        }
        finally
        {
            lease.Gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding a blocking advisory lock: start-up steps (creating the database,
    /// migrations, seeding) that two replicas starting together must not run at the same time. The lock is taken in the
    /// server's maintenance database, since the service's own may not exist yet; it ends with the work.
    /// </summary>
    public async Task RunExclusiveAsync(string name, Func<Task> work, CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Postgres)
        {
            await work();
            return;
        }

        var own = new NpgsqlConnectionStringBuilder(connectionString);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Database = "postgres",
            ApplicationName = $"referralhub-lock-{name}",
        }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 })
        {
            take.Parameters.AddWithValue("key", Key($"{own.Database}:{name}"));
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        await work(); // closing the connection releases the lock, also when work throws
    }

    /// <summary>A stable 64-bit key for a lease name (string.GetHashCode differs per process).</summary>
    public static long Key(string name) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"referralhub-lease:{name}")), 0);

    public async ValueTask DisposeAsync()
    {
        foreach (var lease in _leases.Values) await lease.DropAsync();
    }

    private sealed class Lease
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public NpgsqlConnection? Connection { get; set; }

        public async Task DropAsync()
        {
            var connection = Connection;
            Connection = null;
            if (connection is not null)
            {
                try { await connection.DisposeAsync(); }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException) { }
            }
        }
    }
}
