using System.Diagnostics;
using System.Net.Sockets;
using Testcontainers.RabbitMq;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ReferralHub.Testing;

/// <summary>
/// A real RabbitMQ broker for integration tests, resolved in this order:
/// <list type="number">
/// <item><c>REFERRALHUB_RABBITMQ</c> (an amqp:// URI), used as is;</item>
/// <item>Testcontainers, when a Docker engine answers (checked once, within ~3 s);</item>
/// <item><c>rabbitmq-server</c> from PATH, started in a temporary directory on free loopback ports and stopped on dispose;</item>
/// <item>otherwise <see cref="InitializeAsync"/> fails with a message saying what to install. It never skips.</item>
/// </list>
/// The order is <see cref="ServerChain"/>'s, shared with <see cref="PostgresServer"/>. Use it as an xunit collection
/// fixture so a test run starts the broker once (see README.md).
/// </summary>
public sealed class RabbitMqServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Environment variable holding an amqp:// URI of an existing broker.</summary>
    public const string EnvironmentVariable = "REFERRALHUB_RABBITMQ";

    /// <summary>Image used when Testcontainers starts the broker.</summary>
    public const string ContainerImage = "rabbitmq:3.13-alpine";

    private const string InstallHint =
        "No RabbitMQ broker is available for the integration tests. Install one with `apt-get install -y rabbitmq-server` " +
        "(the fixture starts and stops its own throwaway node; nothing needs to be running), " +
        $"or set {EnvironmentVariable}=amqp://user:password@host:5672/ to use an existing broker.";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CtlTimeout = TimeSpan.FromSeconds(60);

    private readonly IMessageSink? _diagnostics;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private RabbitMqContainer? _container;
    private LocalNode? _local;
    private Uri? _amqpUri;
    private bool _disposed;

    /// <summary>
    /// Creates the fixture; nothing starts until <see cref="InitializeAsync"/>. xunit passes its diagnostic sink
    /// (shown with <c>diagnosticMessages: true</c> in xunit.runner.json), which receives how the broker was resolved.
    /// </summary>
    public RabbitMqServer(IMessageSink? diagnosticMessageSink = null)
    {
        _diagnostics = diagnosticMessageSink;
    }

    /// <summary>amqp://user:password@host:port/ of the broker.</summary>
    public Uri AmqpUri => _amqpUri ?? throw NotStarted();

    /// <summary>Host name or address of the broker.</summary>
    public string Host => AmqpUri.Host;

    /// <summary>AMQP port of the broker.</summary>
    public int Port => AmqpUri.Port > 0 ? AmqpUri.Port : AmqpUri.Scheme == "amqps" ? 5671 : 5672;

    /// <summary>User name (guest for a locally started broker).</summary>
    public string Username { get; private set; } = "guest";

    /// <summary>Password (guest for a locally started broker).</summary>
    public string Password { get; private set; } = "guest";

    /// <summary>Virtual host ("/" unless the environment URI names another).</summary>
    public string VirtualHost { get; private set; } = "/";

    /// <summary>Where the broker came from.</summary>
    public ServerSource Source { get; private set; }

    /// <summary>How long <see cref="InitializeAsync"/> took to make the broker ready.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>True only when this fixture started the broker itself (a local node), so it may stop and restart it.</summary>
    public bool CanRestart => _local is not null;

    /// <summary>Node name of a locally started broker (rmq{port}@localhost), else null.</summary>
    public string? NodeName => _local?.NodeName;

    /// <summary>Temporary directory (data, logs, pid file) of a locally started broker, else null.</summary>
    public string? WorkingDirectory => _local?.Directory;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_amqpUri is not null)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            var stopwatch = Stopwatch.StartNew();
            var notes = new List<string>();

            Source = await ServerChain.ResolveAsync(new ServerChain.Steps(
                EnvironmentVariable, value => UseUri(ParseUri(value), ServerSource.Environment), ContainerImage, StartContainerAsync,
                FindLocal, InstallHint, Log), notes).ConfigureAwait(false);

            StartupTime = stopwatch.Elapsed;
            Log($"RabbitMQ ({Source}) ready at {Host}:{Port} in {StartupTime.TotalSeconds:0.0} s" +
                (notes.Count > 0 ? $" [{string.Join("; ", notes)}]" : string.Empty));
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops the RabbitMQ application (rabbitmqctl stop_app); the node stays up, connections drop.</summary>
    public async Task StopAppAsync()
    {
        var local = RequireLocal();
        await RunCtlAsync(local, "stop_app").ConfigureAwait(false);
    }

    /// <summary>Starts the RabbitMQ application again (rabbitmqctl start_app) and waits until AMQP connections are accepted.</summary>
    public async Task StartAppAsync()
    {
        var local = RequireLocal();
        await RunCtlAsync(local, "start_app").ConfigureAwait(false);
        await WaitForAmqpAsync(local.Port, StartTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// A fresh virtual host for one test class, so queues and leftover messages of other tests never interfere.
    /// Needs a broker this fixture started (rabbitmqctl); with an external broker the configured URI is returned as is.
    /// </summary>
    public async Task<Uri> CreateVirtualHostAsync(string name)
    {
        if (_local is not { } local) return AmqpUri;
        await RunCtlAsync(local, "add_vhost", name).ConfigureAwait(false);
        await RunCtlAsync(local, "set_permissions", "-p", name, Username, ".*", ".*", ".*").ConfigureAwait(false);
        return new UriBuilder(AmqpUri) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
    }

    /// <summary>stop_app then start_app, returning once the port accepts AMQP connections again.</summary>
    public async Task RestartAsync()
    {
        await StopAppAsync().ConfigureAwait(false);
        await StartAppAsync().ConfigureAwait(false);
    }

    /// <summary>Stops the broker if this fixture started it and deletes its temporary directory. Safe to call twice.</summary>
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
        _amqpUri is null ? "RabbitMQ (not started)" : $"RabbitMQ ({Source}) {Host}:{Port}";

    private static Uri ParseUri(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} must be an amqp:// (or amqps://) URI such as amqp://guest:guest@127.0.0.1:5672/, but was '{value}'.");
        }

        return uri;
    }

    private void UseUri(Uri uri, ServerSource source)
    {
        var userInfo = uri.UserInfo.Split(':', 2);
        Username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        var path = uri.AbsolutePath.TrimStart('/');
        VirtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        Source = source;
        _amqpUri = uri;
    }

    private async Task StartContainerAsync()
    {
        var container = new RabbitMqBuilder(ContainerImage)
            .WithUsername("rabbitmq")
            .WithPassword("rabbitmq")
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

        UseUri(new UriBuilder("amqp", container.Hostname, container.GetMappedPublicPort(5672))
        {
            UserName = "rabbitmq",
            Password = "rabbitmq",
            Path = "/",
        }.Uri, ServerSource.Container);
        _container = container;
    }

    /// <summary>rabbitmq-server and rabbitmqctl from PATH, /usr/sbin or /usr/lib/rabbitmq/bin: a throwaway node on free loopback ports.</summary>
    private Func<Task>? FindLocal(List<string> notes)
    {
        if (HostTools.FindExecutable("rabbitmq-server", "/usr/sbin", "/usr/lib/rabbitmq/bin") is not { } server)
        {
            notes.Add("rabbitmq-server was not found on PATH, in /usr/sbin or in /usr/lib/rabbitmq/bin");
            return null;
        }

        var ctl = HostTools.FindExecutable("rabbitmqctl", Path.GetDirectoryName(server)!, "/usr/sbin", "/usr/lib/rabbitmq/bin")
            ?? throw new InvalidOperationException($"Found {server} but no rabbitmqctl next to it or on PATH. {InstallHint}");
        return async () =>
        {
            _local = await StartLocalAsync(server, ctl).ConfigureAwait(false);
            UseUri(new Uri($"amqp://guest:guest@127.0.0.1:{_local.Port}/"), ServerSource.LocalProcess);
        };
    }

    private async Task<LocalNode> StartLocalAsync(string serverPath, string ctlPath)
    {
        Exception? lastError = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var port = FreePort.FindPair();
            var directory = await HostTools.CreateTempDirectoryAsync($"referralhub-rmq{port}-", "rabbitmq:rabbitmq").ConfigureAwait(false);
            var node = new LocalNode(serverPath, ctlPath, directory, port);
            try
            {
                await File.WriteAllTextAsync(node.EnabledPluginsFile, "[].\n").ConfigureAwait(false);
                await HostTools.ChownRecursiveAsync("rabbitmq:rabbitmq", directory).ConfigureAwait(false);

                await ProcessRunner.RunAsync(serverPath, ["-detached"], node.Environment, StartTimeout).ConfigureAwait(false);
                await RunCtlAsync(node, "wait", node.PidFile, "--timeout", ((int)StartTimeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .ConfigureAwait(false);
                await WaitForAmqpAsync(port, StartTimeout).ConfigureAwait(false);
                return node;
            }
            catch (Exception ex)
            {
                lastError = new InvalidOperationException(
                    $"Starting a local rabbitmq-server (node {node.NodeName}, port {port}, attempt {attempt}) failed: {ex.Message}" +
                    HostTools.TailFiles(node.LogDirectory, "*.log"),
                    ex);
                Log(lastError.Message);
                await StopLocalAsync(node).ConfigureAwait(false);
            }
        }

        throw lastError!;
    }

    private async Task StopLocalAsync(LocalNode node)
    {
        var pid = HostTools.ReadPidFile(node.PidFile);
        try
        {
            if (pid is not null)
            {
                await RunCtlAsync(node, "stop", node.PidFile).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log($"rabbitmqctl stop for {node.NodeName} failed ({ex.Message}); killing the node.");
        }

        // Whatever happened above, make sure the node's VM is gone before deleting its files.
        if (pid is { } nodePid)
        {
            await HostTools.EnsureExitedAsync(nodePid, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        await HostTools.TryDeleteDirectoryAsync(node.Directory).ConfigureAwait(false);
    }

    private static Task<ProcessResult> RunCtlAsync(LocalNode node, params string[] arguments) =>
        ProcessRunner.RunAsync(node.CtlPath, ["-n", node.NodeName, .. arguments], node.Environment, CtlTimeout);

    /// <summary>Waits until the port answers an AMQP 0-9-1 protocol header with a frame (Connection.Start).</summary>
    private static async Task WaitForAmqpAsync(int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < timeout)
        {
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, probe.Token).ConfigureAwait(false);
                var stream = client.GetStream();
                await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray(), probe.Token).ConfigureAwait(false);
                var buffer = new byte[1];
                var read = await stream.ReadAsync(buffer, probe.Token).ConfigureAwait(false);
                if (read == 1 && buffer[0] == 1)
                {
                    return;
                }

                last = new InvalidOperationException($"port {port} answered the AMQP header with byte {(read == 1 ? buffer[0] : -1)}");
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                last = ex;
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        throw new TimeoutException($"RabbitMQ on 127.0.0.1:{port} did not accept AMQP connections within {timeout.TotalSeconds:0} s: {last?.Message}");
    }

    private LocalNode RequireLocal()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _local ?? throw new InvalidOperationException(
            $"Stopping or restarting the broker is possible only for a broker this fixture started itself (CanRestart is false; source: {Source}). " +
            $"Unset {EnvironmentVariable} and run without Docker to use a local rabbitmq-server.");
    }

    private static InvalidOperationException NotStarted() =>
        new("The RabbitMQ fixture has not been initialised; use it as an xunit fixture or await InitializeAsync() first.");

    private void Log(string message) => _diagnostics?.OnMessage(new DiagnosticMessage("[RabbitMqServer] " + message));

    private sealed class LocalNode
    {
        public LocalNode(string serverPath, string ctlPath, string directory, int port)
        {
            ServerPath = serverPath;
            CtlPath = ctlPath;
            Directory = directory;
            Port = port;
            NodeName = $"rmq{port}@localhost";
            PidFile = Path.Combine(directory, "pid");
            LogDirectory = Path.Combine(directory, "log");
            EnabledPluginsFile = Path.Combine(directory, "enabled_plugins");
            Environment = new Dictionary<string, string?>
            {
                ["RABBITMQ_NODENAME"] = NodeName,
                ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RABBITMQ_DIST_PORT"] = (port + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
                ["RABBITMQ_LOG_BASE"] = LogDirectory,
                ["RABBITMQ_PID_FILE"] = PidFile,
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = EnabledPluginsFile,
                ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            };
        }

        public string ServerPath { get; }

        public string CtlPath { get; }

        public string Directory { get; }

        public int Port { get; }

        public string NodeName { get; }

        public string PidFile { get; }

        public string LogDirectory { get; }

        public string EnabledPluginsFile { get; }

        public IReadOnlyDictionary<string, string?> Environment { get; }
    }
}
