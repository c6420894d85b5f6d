using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReferralHub.Testing;

namespace ReferralHub.Bench.Referrals;

/// <summary>
/// The distributed shape for the bench: <c>deploy/run-distributed.sh</c> starts a local RabbitMQ, a local PostgreSQL
/// and every service as its own process (the gateway in front), the way an operator runs it on one machine and the way
/// tests/ReferralHub.Distributed.Tests starts it. Release build, Development settings (the demo API clients), PostgreSQL
/// with fsync off (throwaway data). Disposing sends SIGTERM to the script, which stops the services and both servers.
/// </summary>
public sealed class SeparateProcessesHub : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _script;

    public string WorkDir { get; } = System.IO.Directory.CreateTempSubdirectory("referralhub-bench-separate-").FullName;

    public Uri Gateway { get; private set; } = null!;

    public Uri AmqpUri { get; private set; } = null!;

    public static async Task<SeparateProcessesHub> StartAsync(int replicas)
    {
        var hub = new SeparateProcessesHub();
        await hub.InitializeAsync(replicas);
        return hub;
    }

    private async Task InitializeAsync(int replicas)
    {
        var root = RepositoryRoot();
        var rabbit = FreePort.FindPair();
        var postgres = FreePort.Find();
        var gateway = FreePort.Find();
        var services = FreePort.Find();
        Gateway = new Uri($"http://127.0.0.1:{gateway}");
        AmqpUri = new Uri($"amqp://guest:guest@127.0.0.1:{rabbit}/");
        // The bench's own Release build compiled every service (bench → Host → services); build the solution only if one is missing.
        var built = System.IO.Directory.GetDirectories(Path.Combine(root, "services"))
            .All(d => !File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")) || Path.GetFileName(d) is "ReferralHub.Hosting" or "ReferralHub.Host"
                      || File.Exists(Path.Combine(d, "bin", "Release", "net10.0", Path.GetFileName(d) + ".dll")));
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments = ["bash", Path.Combine(root, "deploy", "run-distributed.sh"), .. built ? ["--no-build"] : Array.Empty<string>(), "--fast-postgres",
            "--replicas", replicas.ToString(CultureInfo.InvariantCulture), "--environment", "Development", "--configuration", "Release", "--dir", WorkDir,
            "--rabbitmq-port", rabbit.ToString(CultureInfo.InvariantCulture), "--postgres-port", postgres.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture), "--base-port", services.ToString(CultureInfo.InvariantCulture), "--start-timeout", "300"];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        _script = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            Console.WriteLine($"  run-distributed: {line}");
            if (line.Contains("all services healthy", StringComparison.Ordinal)) ready.TrySetResult();
        }
        _script.OutputDataReceived += (_, e) => Read(e.Data);
        _script.ErrorDataReceived += (_, e) => Read(e.Data);
        _script.BeginOutputReadLine();
        _script.BeginErrorReadLine();
        var first = await Task.WhenAny(ready.Task, _script.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(10)));
        if (first != ready.Task)
        {
            string output;
            lock (_output) output = _output.ToString();
            throw new InvalidOperationException($"deploy/run-distributed.sh did not come up:\n{output}");
        }
    }

    /// <summary>A gateway client with a client-credentials token of a demo API client.</summary>
    public async Task<HttpClient> ClientForAsync(string clientId, string secret)
    {
        var client = new HttpClient { BaseAddress = Gateway, Timeout = TimeSpan.FromMinutes(2) };
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
            }));
            if (response.IsSuccessStatusCode)
            {
                var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return client;
            }
            if (attempt >= 30) throw new InvalidOperationException($"no token for {clientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(1000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_script is { HasExited: false })
        {
            // setsid made the script a process group leader: signal the group (the script's cleanup stops everything).
            using (var kill = Process.Start("kill", ["-TERM", "--", $"-{_script.Id}"])) await kill.WaitForExitAsync();
            var exited = await Task.WhenAny(_script.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
            if (!_script.HasExited) using (var kill = Process.Start("kill", ["-KILL", "--", $"-{_script.Id}"])) await kill.WaitForExitAsync();
            _ = exited;
        }
        _script?.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the bench from inside the repository.");
    }
}
