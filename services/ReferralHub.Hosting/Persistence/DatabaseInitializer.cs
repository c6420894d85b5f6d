using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReferralHub.Hosting.Persistence;

/// <summary>Seeds a service's database at first start (demo data in Development, reference data everywhere).</summary>
public interface IDatabaseSeeder<in TContext> where TContext : ServiceDbContext
{
    Task SeedAsync(TContext db, CancellationToken cancellationToken);
}

/// <summary>
/// Applies migrations before the service accepts work, then runs the service's seeders. The work starts in
/// <see cref="StartingAsync"/>, which the host calls for every hosted service before any <see cref="StartAsync"/>, so the
/// databases of an embedded host (seven of them) are migrated and seeded side by side; <see cref="StartAsync"/> still
/// waits for its own database at the same point of the start sequence as before, so the bus and the dispatchers
/// (registered later) never run against a database that is not ready.
/// </summary>
internal sealed class DatabaseInitializer<TContext>(
    IServiceScopeFactory scopes, DatabaseReadiness<TContext> readiness, ServiceLeases<TContext> leases, ILogger<DatabaseInitializer<TContext>> logger)
    : IHostedLifecycleService where TContext : ServiceDbContext
{
    private Task? _initializing;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _initializing = Task.Run(() => InitializeWithRetriesAsync(cancellationToken), cancellationToken);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _initializing ?? InitializeWithRetriesAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task InitializeWithRetriesAsync(CancellationToken cancellationToken)
    {
        // In distributed mode PostgreSQL may still be starting: wait for it a while instead of dying at once.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InitializeAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("{Context} database unreachable ({Error}); attempt {Attempt} of {Max}, retrying in 2 s",
                    typeof(TContext).Name, ex.GetType().Name, attempt, MaxAttempts);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private const int MaxAttempts = 30;

    private static bool IsUnreachable(Exception ex) =>
        ex is System.Net.Sockets.SocketException || ex.InnerException is System.Net.Sockets.SocketException
        || (ex is Npgsql.NpgsqlException npgsql && npgsql.IsTransient);

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (db.Database.IsSqlite())
        {
            // WAL lets the dispatcher read while a request writes; set once per file, it persists.
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await db.Database.CloseConnectionAsync();
        }

        // Replicas starting together take turns: the second finds the schema and the seed data already there.
        await leases.RunExclusiveAsync("initialise", async () =>
        {
            if (db.Database.GetMigrations().Any()) await db.Database.MigrateAsync(cancellationToken);
            else await db.Database.EnsureCreatedAsync(cancellationToken); // tools and test contexts without migrations
            foreach (var seeder in scope.ServiceProvider.GetServices<IDatabaseSeeder<TContext>>())
                await seeder.SeedAsync(db, cancellationToken);
        }, cancellationToken);

        readiness.MarkReady();
        logger.LogInformation("{Context} database ready ({Provider})", typeof(TContext).Name, db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class DatabaseReadiness<TContext> where TContext : ServiceDbContext
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    internal void MarkReady() => _ready = true;
}

internal sealed class DatabaseReadyCheck<TContext>(DatabaseReadiness<TContext> readiness, IServiceScopeFactory scopes) : IHealthCheck
    where TContext : ServiceDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady) return HealthCheckResult.Unhealthy("migrations not applied yet");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("database unreachable");
    }
}
