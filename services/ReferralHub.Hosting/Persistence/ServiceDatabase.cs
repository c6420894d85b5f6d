using Microsoft.Extensions.Logging;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using ReferralHub.Hosting.Messaging;

namespace ReferralHub.Hosting.Persistence;

public enum DatabaseProvider { Sqlite, Postgres }

public static class ServiceDatabase
{
    /// <summary>Contexts kept per database for reuse (<c>Storage:DbContextPoolSize</c>); beyond it a context is created and disposed as usual.</summary>
    public const int DefaultDbContextPoolSize = 256;

    /// <summary>
    /// Registers a service's own database. Configuration alone decides the provider:
    /// <c>ConnectionStrings:Postgres</c> (the service gets its own database, <c>referralhub_{name}</c>) or, when absent,
    /// a SQLite file <c>{Storage:DataDirectory}/{name}.db</c> (the embedded default).
    /// <typeparamref name="TSqlite"/> and <typeparamref name="TPostgres"/> exist only so each provider has its own migrations.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext, TSqlite, TPostgres>(this IHostApplicationBuilder builder, string name)
        where TContext : ServiceDbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        var (provider, connectionString) = Resolve(builder.Configuration, builder.Environment, name);
        if (provider == DatabaseProvider.Postgres)
            connectionString = WithStatementReuse(connectionString, builder.Configuration.GetValue("Storage:PostgresMaxAutoPrepare", DefaultMaxAutoPrepare));
        var busyTimeout = builder.Configuration.GetValue("Storage:SqliteBusyTimeoutMs", 10_000);
        var sqliteInterceptors = new List<IInterceptor>();
        if (busyTimeout > 0) sqliteInterceptors.Add(new SqliteBusyTimeout(busyTimeout));
        // Writers of one file queue in process (async) rather than in SQLite's busy handler, which sleeps 1–100 ms steps
        // while the lock may already be free. On by default since it was measured on a quiet machine (docs/benchmarks.md,
        // issue 17, session 15: submit→offered p99 at 100/s about halved); Storage:SqliteWriteGate=false turns it off.
        if (provider == DatabaseProvider.Sqlite && builder.Configuration.GetValue("Storage:SqliteWriteGate", true) && SqliteWriteGate.Applies(connectionString))
            sqliteInterceptors.Add(new SqliteWriteGate(connectionString, TimeSpan.FromMilliseconds(Math.Clamp(busyTimeout, 1_000, 5_000))));
        builder.Services.AddSingleton<OutboxSignal<TContext>>();
        builder.Services.AddSingleton<DatabaseReadiness<TContext>>();
        var info = new ServiceDatabaseInfo(typeof(TContext), name, provider);
        builder.Services.AddSingleton(info);
        builder.Services.AddSingleton(sp => new ServiceLeases<TContext>(info, connectionString,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ServiceLeases<TContext>>>()));

        void Configure(IServiceProvider services, DbContextOptionsBuilder options)
        {
            if (provider == DatabaseProvider.Postgres)
                options.UseNpgsql(connectionString); // transient faults: consumers are retried by the bus, the dispatcher by its loop
            else
                options.UseSqlite(connectionString).AddInterceptors(sqliteInterceptors);
            options.AddInterceptors(new OutboxSaveChangesInterceptor<TContext>(services.GetRequiredService<OutboxSignal<TContext>>()));
            // A failed save is the caller's to judge: an expected race (a duplicate Idempotency-Key, a concurrent edit)
            // is caught and answered, and logged there at information; anything else propagates and is logged, with its
            // stack, by whoever handles it. EF's own error-level entries with a stack for every such race were noise.
            options.ConfigureWarnings(warnings => warnings.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug)));
        }

        // The options are built once (a singleton), not per DbContext: built per scope (AddDbContext's default), every
        // context re-ran this configuration — ConfigureWarnings rebuilds an immutable dictionary each time — and EF then
        // compared the new options with its cached ones; the allocation profile of the referral burst put that at about a
        // quarter of all bytes allocated (docs/benchmarks.md, "Issue 17, session 10"). Nothing here depends on the scope:
        // the connection string, the interceptors (stateless, or keyed by context) and the outbox signal are per database.
        //
        // Pooled (Storage:DbContextPoolSize, 0 = a new context per scope): every message, request and group commit opens a
        // scope and its first use of a new context resolved ~30 EF services from EF's internal provider — 6.4 % of a warm
        // burst's CPU (docs/benchmarks.md, issue 17). A pooled context keeps them; EF resets its change tracker, transaction
        // and connection when the scope ends. Our contexts allow it: one constructor taking the options, no fields of
        // their own, nothing changed on them per use that a reset would not undo.
        var poolSize = builder.Configuration.GetValue("Storage:DbContextPoolSize", DefaultDbContextPoolSize);
        if (poolSize > 0)
        {
            if (provider == DatabaseProvider.Postgres)
                builder.Services.AddDbContextPool<TContext, TPostgres>(Configure, poolSize);
            else
                builder.Services.AddDbContextPool<TContext, TSqlite>(Configure, poolSize);
        }
        else if (provider == DatabaseProvider.Postgres)
            builder.Services.AddDbContext<TContext, TPostgres>(Configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        else
            builder.Services.AddDbContext<TContext, TSqlite>(Configure, ServiceLifetime.Scoped, ServiceLifetime.Singleton);

        builder.Services.AddHostedService<DatabaseInitializer<TContext>>();
        builder.Services.AddHostedService<OutboxDispatcher<TContext>>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck<TContext>>($"db-{name}", tags: ["ready"]);
        return builder;
    }

    public static (DatabaseProvider Provider, string ConnectionString) Resolve(IConfiguration configuration, IHostEnvironment environment, string name)
    {
        // A per-service connection string wins (e.g. ConnectionStrings:directory), then the shared Postgres one.
        var own = configuration.GetConnectionString(name);
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(own))
            return own.StartsWith("Data Source", StringComparison.OrdinalIgnoreCase) ? (DatabaseProvider.Sqlite, own) : (DatabaseProvider.Postgres, own);
        if (!string.IsNullOrWhiteSpace(postgres))
            return (DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(postgres) { Database = $"referralhub_{name}" }.ConnectionString);

        var folder = DataDirectory(configuration, environment);
        return (DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, $"{name}.db"),
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString());
    }

    /// <summary>Statements Npgsql keeps prepared per physical connection (<c>Storage:PostgresMaxAutoPrepare</c>, 0 = none).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// Lets Npgsql prepare the statements a service repeats (EF Core never asks it to) so PostgreSQL parses and plans
    /// each once per connection, and skips the reset a pooled connection otherwise runs each time it is handed out again
    /// (<c>DISCARD ALL</c>, or five statements once some are prepared; EF opens and closes the connection per operation,
    /// so that was a reset per query). Safe here because no pooled connection carries session state: the leases' advisory locks
    /// and their keep-alive settings live on connections of their own with pooling off (<see cref="ServiceLeases{TContext}"/>),
    /// and nothing else sets a session variable or creates a temporary table. What an operator wrote in the connection
    /// string wins (e.g. <c>Max Auto Prepare=0</c> behind a PgBouncer in transaction mode, which cannot keep prepared
    /// statements). Why: the profile of the referral flow on PostgreSQL (docs/benchmarks.md, issue 17, session 15).
    /// </summary>
    public static string WithStatementReuse(string connectionString, int maxAutoPrepare)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Given(params string[] keys) => keys.Any(given.ContainsKey);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (maxAutoPrepare > 0 && !Given("Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = maxAutoPrepare;
            if (!Given("Auto Prepare Min Usages", "AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = 2;
        }
        if (maxAutoPrepare > 0 && !Given("No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>The embedded mode's data folder (SQLite files, keys); created on first use.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["Storage:DataDirectory"];
        var folder = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(environment.ContentRootPath, "data")
            : Path.GetFullPath(configured, environment.ContentRootPath);
        Directory.CreateDirectory(folder);
        return folder;
    }
}

public sealed record ServiceDatabaseInfo(Type ContextType, string Name, DatabaseProvider Provider);
