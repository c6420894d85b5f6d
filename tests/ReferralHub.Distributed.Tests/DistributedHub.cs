using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using ReferralHub.Testing;

// Each test class here starts a whole hub (13 processes and two servers): one at a time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// The hub as deploy/run-distributed.sh runs it with <c>--replicas 2</c>: a local RabbitMQ node and PostgreSQL cluster,
/// one gateway and two processes of every other service, started once for the tests of <see cref="DistributedCollection"/>.
/// Tests talk to the gateway only, as agency systems do, and may kill replicas (the script starts them again) or restart
/// the broker and the database.
/// </summary>
public sealed class DistributedHub : IAsyncLifetime
{
    public const string AdminClient = "agency-a-admin-tests";
    public const string AdminSecret = "agency-a-admin-tests-secret";
    public const string SupervisorClient = "agency-a-supervisor-tests";
    public const string SupervisorSecret = "agency-a-supervisor-tests-secret";

    private readonly StringBuilder _output = new();
    private Process? _script;

    public string WorkDir { get; } = Directory.CreateTempSubdirectory("referralhub-replicas-").FullName;

    public int RabbitPort { get; private set; }

    public int PostgresPort { get; private set; }

    public Uri Gateway { get; private set; } = null!;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var configuration = typeof(DistributedHub).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var ports = Ports.Distinct(serviceBlock: 12);
        RabbitPort = ports.Rabbit;
        PostgresPort = ports.Postgres;
        Gateway = new Uri($"http://127.0.0.1:{ports.Gateway}");
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["bash", Path.Combine(root, "deploy", "run-distributed.sh"), "--no-build", "--fast-postgres",
                     "--replicas", "2", "--environment", "Development", "--configuration", configuration, "--dir", WorkDir,
                     "--rabbitmq-port", Invariant(ports.Rabbit), "--postgres-port", Invariant(ports.Postgres),
                     "--gateway-port", Invariant(ports.Gateway), "--base-port", Invariant(ports.Services), "--start-timeout", "300"])
            start.ArgumentList.Add(argument);
        // An agency-admin API client of agency A (to register a webhook), given to the gateway the documented way.
        start.Environment["Auth__Clients__0__ClientId"] = AdminClient;
        start.Environment["Auth__Clients__0__ClientSecret"] = AdminSecret;
        start.Environment["Auth__Clients__0__Agency"] = "agency-a";
        start.Environment["Auth__Clients__0__Roles__0"] = "agency-admin";
        // A supervisor of agency A who is not the caseworker system (four eyes: an override is never the requester's own).
        start.Environment["Auth__Clients__1__ClientId"] = SupervisorClient;
        start.Environment["Auth__Clients__1__ClientSecret"] = SupervisorSecret;
        start.Environment["Auth__Clients__1__Agency"] = "agency-a";
        start.Environment["Auth__Clients__1__Roles__0"] = "supervisor";
        // Sweeps often, so a stalled step is re-driven within the test's patience after a fault.
        start.Environment["Referrals__SweepInterval"] = "00:00:05";
        start.Environment["Referrals__RedriveAfter"] = "00:00:20";
        _script = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (line.Contains("all services healthy", StringComparison.Ordinal)) ready.TrySetResult();
        }
        _script.OutputDataReceived += (_, e) => Read(e.Data);
        _script.ErrorDataReceived += (_, e) => Read(e.Data);
        _script.BeginOutputReadLine();
        _script.BeginErrorReadLine();

        var exited = _script.WaitForExitAsync();
        var guard = Task.Delay(TimeSpan.FromMinutes(12)); // a hang guard, not a timing
        var first = await Task.WhenAny(ready.Task, exited, guard);
        if (first != ready.Task) throw new InvalidOperationException($"run-distributed.sh --replicas 2 did not come up:\n{Output}");
        await WaitForHubAsync();
    }

    /// <summary>Waits until the gateway reports every replica of every service healthy.</summary>
    public async Task WaitForHubAsync()
    {
        using var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        string last = "";
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await client.GetAsync("/health/hub");
                last = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { last = ex.GetType().Name; }
            await Task.Delay(1000);
        }

        throw new InvalidOperationException($"the hub did not become healthy: {last}\n{Output}");
    }

    /// <summary>A client of the gateway with a token for <paramref name="clientId"/>; it renews the token when refused.</summary>
    public async Task<HttpClient> ClientAsync(string clientId, string secret)
    {
        var client = new HttpClient(new RetryingHandler(this, clientId, secret) { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = Gateway,
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own limit (RetryingHandler)
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(clientId, secret));
        return client;
    }

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        using var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
                }));
                if (response.IsSuccessStatusCode)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
                if (attempt >= 30) throw new InvalidOperationException($"no token for {clientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && attempt < 30) { }
            await Task.Delay(1000);
        }
    }

    /// <summary>The process ids of one service's replicas (the script writes a pid file per process).</summary>
    public IReadOnlyList<(string Instance, int Pid)> Replicas(string service) =>
        [.. Directory.GetFiles(Path.Combine(WorkDir, "pids"), "*.pid")
            .Select(f => (Instance: Path.GetFileNameWithoutExtension(f), Pid: int.Parse(File.ReadAllText(f).Trim(), CultureInfo.InvariantCulture)))
            .Where(r => r.Instance == service || r.Instance.StartsWith(service + "-", StringComparison.Ordinal))
            .OrderBy(r => r.Instance, StringComparer.Ordinal)];

    /// <summary>kill -9 one process; the script notices within a second and starts it again.</summary>
    public static void Kill9(int pid)
    {
        try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
    }

    /// <summary>Stops and starts the RabbitMQ application of the node (connections drop; queues are durable, quorum).</summary>
    public async Task RestartRabbitMqAsync()
    {
        var node = $"rmq{RabbitPort}@localhost";
        var ctl = HostTools.FindExecutable("rabbitmqctl", "/usr/sbin", "/usr/lib/rabbitmq/bin")
            ?? throw new InvalidOperationException("rabbitmqctl not found: apt-get install -y rabbitmq-server");
        await ProcessRunner.RunAsync(ctl, ["-q", "-n", node, "stop_app"], throwOnError: true);
        await ProcessRunner.RunAsync(ctl, ["-q", "-n", node, "start_app"], throwOnError: true);
    }

    /// <summary>Runs one SQL statement in a service's database (tests use it to move a deadline into the past).</summary>
    public async Task SqlAsync(string database, string sql)
    {
        var psql = HostTools.FindExecutable("psql", HostTools.PostgresBinDirectories())
            ?? throw new InvalidOperationException("psql not found: apt-get install -y postgresql-client");
        await ProcessRunner.RunAsync(psql, ["-h", "127.0.0.1", "-p", Invariant(PostgresPort), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-c", sql], throwOnError: true);
    }

    /// <summary>Restarts PostgreSQL (fast shutdown: every connection is cut).</summary>
    public async Task RestartPostgresAsync()
    {
        var data = Path.Combine(WorkDir, "postgres", "data");
        var pgCtl = HostTools.FindExecutable("pg_ctl", HostTools.PostgresBinDirectories()) ?? throw new InvalidOperationException("pg_ctl not found: apt-get install -y postgresql");
        await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", pgCtl, "-D", data, "-m", "fast", "-w", "-t", "60", "restart"], throwOnError: true);
    }

    public async Task DisposeAsync()
    {
        if (_script is { HasExited: false })
        {
            Signal("-TERM", $"-{_script.Id}"); // the script's trap stops services and servers
            if (!_script.WaitForExit(TimeSpan.FromSeconds(60))) Signal("-KILL", $"-{_script.Id}");
        }

        var leftovers = await ProcessRunner.RunAsync("pgrep", ["-f", WorkDir], throwOnError: false);
        foreach (var pid in leftovers.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Signal("-KILL", pid);
        foreach (var pidFile in Directory.Exists(WorkDir) ? Directory.GetFiles(WorkDir, "pid", SearchOption.AllDirectories) : [])
            if (File.ReadAllText(pidFile).Trim() is { Length: > 0 } pid) Signal("-KILL", pid);
        try { Directory.Delete(WorkDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static void Signal(string signal, string target)
    {
        using var kill = Process.Start("kill", [signal, "--", target]);
        kill?.WaitForExit();
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("ReferralHub.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// What an agency system does when the hub is briefly away (a replica killed mid-request, the broker or the database
    /// restarting): tries again. Requests that change something carry their own idempotency (keys, state checks).
    /// </summary>
    private sealed class RetryingHandler(DistributedHub hub, string clientId, string secret) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var mediaType = request.Content?.Headers.ContentType;
            for (var attempt = 1; ; attempt++)
            {
                using var copy = new HttpRequestMessage(request.Method, request.RequestUri);
                foreach (var header in request.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
                if (body is not null)
                {
                    copy.Content = new ByteArrayContent(body);
                    copy.Content.Headers.ContentType = mediaType;
                }

                HttpResponseMessage? response = null;
                using var attemptLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attemptLimit.CancelAfter(TimeSpan.FromSeconds(45)); // a request caught by a restarting database or broker
                try { response = await base.SendAsync(copy, attemptLimit.Token); }
                catch (Exception ex) when ((ex is HttpRequestException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested) && attempt < 40) { }

                if (response is not null)
                {
                    if (response.StatusCode == HttpStatusCode.Unauthorized && attempt < 40)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync(clientId, secret));
                        response.Dispose();
                        continue;
                    }

                    if ((int)response.StatusCode is not (502 or 503 or 504) || attempt >= 40) return response;
                    response.Dispose();
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DistributedCollection : ICollectionFixture<DistributedHub>
{
    public const string Name = "distributed hub with replicas";
}

/// <summary>Free loopback ports below the ephemeral range (and rabbitmqctl's own 35672-35682), all distinct.</summary>
internal static class Ports
{
    public static (int Rabbit, int Postgres, int Gateway, int Services) Distinct(int serviceBlock)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var rabbit = Random.Shared.Next(20000, 31000) & ~1;
            var services = Random.Shared.Next(20000, 31000);
            int[] ports = [rabbit, rabbit + 1, Random.Shared.Next(20000, 32000), Random.Shared.Next(20000, 32000), .. Enumerable.Range(services, serviceBlock)];
            if (ports.Distinct().Count() == ports.Length && ports.All(FreePort.IsFree)) return (rabbit, ports[2], ports[3], services);
        }

        throw new InvalidOperationException("no set of free loopback ports found below 32000");
    }
}
