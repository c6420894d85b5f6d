using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Testcontainers.PostgreSql;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ReferralHub.Testing;

/// <summary>
/// A real PostgreSQL server for integration tests, resolved in this order:
/// <list type="number">
/// <item><c>REFERRALHUB_POSTGRES</c> (an Npgsql connection string), used as is;</item>
/// <item>Testcontainers, when a Docker engine answers (checked once, within ~3 s);</item>
/// <item><c>initdb</c>/<c>pg_ctl</c> from PATH or /usr/lib/postgresql/*/bin: a throwaway cluster in a temporary
/// directory on a free loopback port (trust authentication, fsync off), stopped and deleted on dispose;</item>
/// <item>otherwise <see cref="InitializeAsync"/> fails with a message saying what to install. It never skips.</item>
/// </list>
/// The order is <see cref="ServerChain"/>'s, shared with <see cref="RabbitMqServer"/>. Use it as an xunit collection
/// fixture so a test run starts the server once (see README.md).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Environment variable holding an Npgsql connection string of an existing server.</summary>
    public const string EnvironmentVariable = "REFERRALHUB_POSTGRES";

    /// <summary>Image used when Testcontainers starts the server.</summary>
    public const string ContainerImage = "postgres:15-alpine";

    private const string InstallHint =
        "No PostgreSQL server is available for the integration tests. Install one with `apt-get install -y postgresql` " +
        "(the fixture runs its own throwaway cluster with initdb/pg_ctl; nothing needs to be running), " +
        $"or set {EnvironmentVariable}=\"Host=...;Port=5432;Username=...;Password=...\" to use an existing server.";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly IMessageSink? _diagnostics;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private PostgreSqlContainer? _container;
    private LocalCluster? _local;
    private string? _connectionString;
    private bool _disposed;

    /// <summary>
    /// Creates the fixture; nothing starts until <see cref="InitializeAsync"/>. xunit passes its diagnostic sink
    /// (shown with <c>diagnosticMessages: true</c> in xunit.runner.json), which receives how the server was resolved.
    /// </summary>
    public PostgresServer(IMessageSink? diagnosticMessageSink = null)
    {
        _diagnostics = diagnosticMessageSink;
    }

    /// <summary>
    /// Npgsql connection string of the server, without a database:
    /// Host=127.0.0.1;Port=…;Username=postgres;Pooling=true (plus Password=postgres for a container).
    /// </summary>
    public string ConnectionString => _connectionString ?? throw NotStarted();

    /// <summary>Host of the server.</summary>
    public string Host => Get(Parse(ConnectionString), "Host", "Server") ?? "127.0.0.1";

    /// <summary>Port of the server.</summary>
    public int Port => int.TryParse(Get(Parse(ConnectionString), "Port"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 5432;

    /// <summary>Where the server came from.</summary>
    public ServerSource Source { get; private set; }

    /// <summary>How long <see cref="InitializeAsync"/> took to make the server ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Temporary directory (data, log, socket) of a locally started cluster, else null.</summary>
    public string? WorkingDirectory => _local?.Directory;

    /// <summary><see cref="ConnectionString"/> with Database=<paramref name="database"/> (EF migrations create it).</summary>
    public string ConnectionStringFor(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var connectionString = ConnectionString;
        var builder = Parse(connectionString);
        if (Get(builder, "Database", "DB", "Initial Catalog") is null)
        {
            // Keep the string as written (the builder would lower-case every key) and append the database.
            var text = new System.Text.StringBuilder(connectionString.TrimEnd().TrimEnd(';')).Append(';');
            DbConnectionStringBuilder.AppendKeyValuePair(text, "Database", database);
            return text.ToString();
        }

        foreach (var key in new[] { "DB", "Initial Catalog" })
        {
            builder.Remove(key);
        }

        builder["Database"] = database;
        return builder.ConnectionString;
    }

    /// <summary>CREATE DATABASE "<paramref name="name"/>" (fails if it exists). Uses psql from PATH (or the container's).</summary>
    public Task CreateDatabaseAsync(string name) =>
        ExecuteAdminSqlAsync($"CREATE DATABASE {QuoteIdentifier(name)}");

    /// <summary>DROP DATABASE IF EXISTS "<paramref name="name"/>" WITH (FORCE), closing its connections.</summary>
    public Task DropDatabaseAsync(string name) =>
        ExecuteAdminSqlAsync($"DROP DATABASE IF EXISTS {QuoteIdentifier(name)} WITH (FORCE)");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connectionString is not null)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            var stopwatch = Stopwatch.StartNew();
            var notes = new List<string>();

            Source = await ServerChain.ResolveAsync(new ServerChain.Steps(
                EnvironmentVariable, UseEnvironment, ContainerImage, StartContainerAsync,
                missing => FindLocalBinaries(missing) is { } binaries ? () => StartLocalAsync(binaries) : null,
                InstallHint, Log), notes).ConfigureAwait(false);

            StartupTime = stopwatch.Elapsed;
            Log($"PostgreSQL ({Source}) ready at {Host}:{Port} in {StartupTime.TotalSeconds:0.0} s" +
                (notes.Count > 0 ? $" [{string.Join("; ", notes)}]" : string.Empty));
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the server if this fixture started it (pg_ctl -m fast stop) and deletes its directory. Safe to call twice.</summary>
    public async Task DisposeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_container is not null)
            {
                await _container.DisposeAsync().ConfigureAwait(false);
                _container = null;
            }

            if (_local is not null)
            {
                await StopLocalAsync(_local).ConfigureAwait(false);
                _local = null;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <inheritdoc />
    public override string ToString() =>
        _connectionString is null ? "PostgreSQL (not started)" : $"PostgreSQL ({Source}) {Host}:{Port}";

    private void UseEnvironment(string value)
    {
        try
        {
            _ = Parse(value);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} must be an Npgsql connection string such as Host=127.0.0.1;Port=5432;Username=postgres;Password=secret: {ex.Message}", ex);
        }

        _connectionString = value;
    }

    private async Task StartContainerAsync()
    {
        var container = new PostgreSqlBuilder(ContainerImage)
            .WithUsername("postgres")
            .WithPassword("postgres")
            .WithCommand("-c", "max_connections=300") // the module already turns fsync off
            .Build();
        try
        {
            await container.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _connectionString =
            $"Host={container.Hostname};Port={container.GetMappedPublicPort(5432)};Username=postgres;Password=postgres;Pooling=true";
        _container = container;
    }

    private async Task StartLocalAsync(LocalBinaries binaries)
    {
        _local = await StartClusterAsync(binaries).ConfigureAwait(false);
        _connectionString = $"Host=127.0.0.1;Port={_local.Port};Username=postgres;Pooling=true";
    }

    private static LocalBinaries? FindLocalBinaries(List<string> notes)
    {
        var versionDirectories = HostTools.PostgresBinDirectories().ToArray();
        var initdb = HostTools.FindExecutable("initdb", versionDirectories);
        if (initdb is null)
        {
            notes.Add("initdb was not found on PATH or in /usr/lib/postgresql/*/bin");
            return null;
        }

        // Use pg_ctl and psql from the same installation as initdb (PATH entries are often symlinks into it).
        var realInitdb = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
        var binDirectory = Path.GetDirectoryName(realInitdb)!;
        var pgCtl = HostTools.FindExecutable("pg_ctl", [binDirectory, .. versionDirectories]);
        if (File.Exists(Path.Combine(binDirectory, "pg_ctl")))
        {
            pgCtl = Path.Combine(binDirectory, "pg_ctl");
        }

        if (pgCtl is null)
        {
            notes.Add($"found {initdb} but no pg_ctl next to it or on PATH");
            return null;
        }

        string? runuser = null;
        if (HostTools.IsRoot)
        {
            runuser = HostTools.FindExecutable("runuser", "/usr/sbin", "/sbin", "/usr/bin");
            if (runuser is null)
            {
                notes.Add("running as root (initdb refuses root) but runuser was not found to switch to the postgres user");
                return null;
            }
        }

        return new LocalBinaries(binDirectory, initdb, pgCtl, runuser);
    }

    private async Task<LocalCluster> StartClusterAsync(LocalBinaries binaries)
    {
        var directory = await HostTools.CreateTempDirectoryAsync("referralhub-pg-", "postgres").ConfigureAwait(false);
        var dataDirectory = Path.Combine(directory, "data");
        var logFile = Path.Combine(directory, "log");
        try
        {
            await RunAsPostgresAsync(binaries, directory, binaries.Initdb,
                ["-D", dataDirectory, "-A", "trust", "-U", "postgres", "--no-sync"]).ConfigureAwait(false);
        }
        catch
        {
            await HostTools.TryDeleteDirectoryAsync(directory).ConfigureAwait(false);
            throw;
        }

        Exception? lastError = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var port = FreePort.Find();
            var cluster = new LocalCluster(binaries, directory, dataDirectory, logFile, port);
            try
            {
                var options = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300";
                await RunAsPostgresAsync(binaries, directory, binaries.PgCtl,
                    ["-D", dataDirectory, "-l", logFile, "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "start", "-o", options])
                    .ConfigureAwait(false);
                return cluster;
            }
            catch (Exception ex)
            {
                var log = File.Exists(logFile) ? HostTools.TailFiles(directory, "log") : string.Empty;
                lastError = new InvalidOperationException(
                    $"Starting a local PostgreSQL cluster in {directory} on port {port} (attempt {attempt}) failed: {ex.Message}{log}", ex);
                Log(lastError.Message);
                await StopClusterProcessAsync(cluster).ConfigureAwait(false);
            }
        }

        await HostTools.TryDeleteDirectoryAsync(directory).ConfigureAwait(false);
        throw lastError!;
    }

    private async Task StopLocalAsync(LocalCluster cluster)
    {
        await StopClusterProcessAsync(cluster).ConfigureAwait(false);
        await HostTools.TryDeleteDirectoryAsync(cluster.Directory).ConfigureAwait(false);
    }

    private async Task StopClusterProcessAsync(LocalCluster cluster)
    {
        var pid = HostTools.ReadPidFile(Path.Combine(cluster.DataDirectory, "postmaster.pid"));
        if (pid is null)
        {
            return;
        }

        try
        {
            await RunAsPostgresAsync(cluster.Binaries, cluster.Directory, cluster.Binaries.PgCtl,
                ["-D", cluster.DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"]).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log($"pg_ctl stop in {cluster.Directory} failed ({ex.Message}); killing the postmaster.");
        }

        // pg_ctl returns once postmaster.pid is gone, a moment before the postmaster has exited.
        await HostTools.EnsureExitedAsync(pid.Value, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    private static Task<ProcessResult> RunAsPostgresAsync(LocalBinaries binaries, string workingDirectory, string executable, string[] arguments)
    {
        // initdb refuses to run as root: switch to the postgres user, who owns the directory.
        var timeout = StartTimeout + TimeSpan.FromSeconds(15);
        return binaries.Runuser is { } runuser
            ? ProcessRunner.RunAsync(runuser, ["-u", "postgres", "--", executable, .. arguments], timeout: timeout, workingDirectory: workingDirectory)
            : ProcessRunner.RunAsync(executable, arguments, timeout: timeout, workingDirectory: workingDirectory);
    }

    private async Task ExecuteAdminSqlAsync(string sql)
    {
        var connection = Parse(ConnectionString);
        if (_container is not null)
        {
            var result = await _container.ExecScriptAsync(sql).ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"`{sql}` failed in the PostgreSQL container (exit {result.ExitCode}): {result.Stderr}{result.Stdout}");
            }

            return;
        }

        // Prefer the psql of the cluster's own installation; /usr/bin/psql (Debian's wrapper) or PATH otherwise.
        var psql = (_local is not null && File.Exists(Path.Combine(_local.Binaries.BinDirectory, "psql"))
                ? Path.Combine(_local.Binaries.BinDirectory, "psql")
                : null)
            ?? HostTools.FindExecutable("psql", HostTools.PostgresBinDirectories())
            ?? throw new InvalidOperationException(
                "psql is needed to create or drop databases but was not found on PATH or in /usr/lib/postgresql/*/bin; " +
                "install it with `apt-get install -y postgresql-client`.");

        var environment = new Dictionary<string, string?> { ["PGCONNECT_TIMEOUT"] = "10", ["PGPASSWORD"] = null };
        if (Get(connection, "Password", "PWD") is { Length: > 0 } password)
        {
            environment["PGPASSWORD"] = password;
        }

        var user = Get(connection, "Username", "User ID", "UserId", "User Name", "User") ?? "postgres";
        await ProcessRunner.RunAsync(
            psql,
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "postgres", "-c", sql],
            environment,
            TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    private static DbConnectionStringBuilder Parse(string connectionString) => new() { ConnectionString = connectionString };

    private static string? Get(DbConnectionStringBuilder builder, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (builder.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    private static string QuoteIdentifier(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static InvalidOperationException NotStarted() =>
        new("The PostgreSQL fixture has not been initialised; use it as an xunit fixture or await InitializeAsync() first.");

    private void Log(string message) => _diagnostics?.OnMessage(new DiagnosticMessage("[PostgresServer] " + message));

    private sealed record LocalBinaries(string BinDirectory, string Initdb, string PgCtl, string? Runuser);

    private sealed record LocalCluster(LocalBinaries Binaries, string Directory, string DataDirectory, string LogFile, int Port);
}
