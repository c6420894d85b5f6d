using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using ReferralHub.Testing;
using Xunit.Abstractions;

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// The distributed setup for real: <c>deploy/run-distributed.sh --replicas 2 --check</c> starts a local RabbitMQ node and
/// PostgreSQL cluster, the gateway and two processes of every service, checks health (each process, and the whole hub
/// through the gateway), tokens (validated by each service through the gateway's OpenID Connect metadata) and the
/// RabbitMQ transport, then stops everything.
/// </summary>
public sealed class RunDistributedCheckTests(ITestOutputHelper output)
{
    private static readonly string[] Services = ["gateway", "directory", "consent", "referrals", "transfers", "portal", "fhir"];

    [Fact]
    public async Task Check_mode_runs_every_service_as_its_own_process_on_rabbitmq_and_postgres_and_stops_them_all()
    {
        var root = RepositoryRoot();
        var configuration = typeof(RunDistributedCheckTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var missing = ServiceDlls(root, configuration).Where(dll => !File.Exists(dll)).ToList();
        Assert.True(missing.Count == 0, $"The services are not built in {configuration}: {string.Join(", ", missing)}.");

        // All ports below the kernel's ephemeral range (32768+) and rabbitmqctl's own 35672-35682, and all distinct.
        var ports = DistinctFreePorts();
        var (rabbitPort, postgresPort, gatewayPort, basePort) = (ports[0], ports[2], ports[3], ports[4]);
        var workDir = Directory.CreateTempSubdirectory("referralhub-distributed-").FullName;
        string[] arguments =
        [
            Path.Combine(root, "deploy", "run-distributed.sh"), "--no-build", "--check", "--replicas", "2",
            "--configuration", configuration, "--dir", workDir,
            "--rabbitmq-port", Invariant(rabbitPort), "--postgres-port", Invariant(postgresPort),
            "--gateway-port", Invariant(gatewayPort), "--base-port", Invariant(basePort),
            "--gateway-tls-port", Invariant(ports[^1]),
            "--start-timeout", "240", // a wait, not a timing: CI machines are busy
        ];

        // setsid: the script and everything it starts form one process group the test can always kill.
        var start = new ProcessStartInfo("setsid") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("bash");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var script = Process.Start(start)!;
        var text = new StringBuilder();
        script.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        script.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();

        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(20)); // a hang guard, not a speed check
            await script.WaitForExitAsync(limit.Token);
            script.WaitForExit(); // drain redirected output
            var log = text.ToString();
            output.WriteLine(log);

            Assert.True(script.ExitCode == 0, $"run-distributed.sh --check exited with {script.ExitCode}:\n{log}");
            foreach (var instance in Services.Concat(Services.Skip(1).Select(s => $"{s}-2")))
            {
                Assert.Matches(new Regex($@"^PASS\s+health {instance}\s.*-> 200", RegexOptions.Multiline), log);
                Assert.Matches(new Regex($@"^PASS\s+messaging {instance}\s.*-> 200 transport rabbitmq", RegexOptions.Multiline), log);
            }

            Assert.Matches(new Regex(@"^PASS\s+hub health\s.*-> 200, 12 service processes healthy", RegexOptions.Multiline), log);
            Assert.Matches(new Regex(@"^PASS\s+hub messaging\s.*-> 200, every replica on rabbitmq", RegexOptions.Multiline), log);

            Assert.Matches(new Regex(@"^PASS\s+me via gateway\s.*-> 200 .*""agency"":""agency-a""", RegexOptions.Multiline), log);
            Assert.Matches(new Regex(@"^PASS\s+no token refused\s.*-> 401", RegexOptions.Multiline), log);
            Assert.Matches(new Regex(@"^PASS\s+wrong role forbidden\s.*-> 403", RegexOptions.Multiline), log);
            // FHIR through the gateway, and the facade calling the directory back through the gateway with the caller's token.
            Assert.Matches(new Regex(@"^PASS\s+fhir metadata\s.*-> 200", RegexOptions.Multiline), log);
            Assert.Matches(new Regex(@"^PASS\s+fhir -> directory\s.*-> 200", RegexOptions.Multiline), log);
            Assert.DoesNotMatch(new Regex("^FAIL", RegexOptions.Multiline), log);
            Assert.Empty(await StillRunningAsync(workDir));
        }
        finally
        {
            if (!script.HasExited)
            {
                output.WriteLine(text.ToString());
                Kill("-TERM", $"-{script.Id}"); // the script's trap stops services and servers
                if (!script.WaitForExit(TimeSpan.FromSeconds(40))) Kill("-KILL", $"-{script.Id}");
            }

            foreach (var pid in await StillRunningAsync(workDir)) Kill("-KILL", pid);
            // The RabbitMQ node's command line does not name the working directory; its pid file does.
            foreach (var pidFile in Directory.Exists(workDir) ? Directory.GetFiles(workDir, "pid", SearchOption.AllDirectories) : [])
                if (File.ReadAllText(pidFile).Trim() is { Length: > 0 } pid) Kill("-KILL", pid);
            try { Directory.Delete(workDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Every process whose command line names the working directory: the servers and services the script started.</summary>
    private static async Task<IReadOnlyList<string>> StillRunningAsync(string workDir)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await ProcessRunner.RunAsync("pgrep", ["-f", workDir], throwOnError: false);
            var pids = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (pids.Length == 0 || attempt == 50) return pids;
            await Task.Delay(200); // servers take a moment to exit after being told to stop
        }
    }

    private static void Kill(string signal, string target)
    {
        using var kill = Process.Start("kill", [signal, "--", target]);
        kill?.WaitForExit();
    }

    /// <summary>RabbitMQ p and p+1, PostgreSQL, gateway, then twelve consecutive service ports (two replicas), then the gateway's https port, all free and distinct.</summary>
    private static int[] DistinctFreePorts()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var rabbit = Random.Shared.Next(20000, 31000) & ~1;
            var services = Random.Shared.Next(20000, 31000);
            int[] ports = [rabbit, rabbit + 1, Random.Shared.Next(20000, 32000), Random.Shared.Next(20000, 32000), .. Enumerable.Range(services, 12), Random.Shared.Next(20000, 32000)];
            if (ports.Distinct().Count() == ports.Length && ports.All(FreePort.IsFree)) return ports;
        }

        throw new InvalidOperationException("no set of free loopback ports found below 32000");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("ReferralHub.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> ServiceDlls(string root, string configuration) =>
        Services.Select(service => char.ToUpperInvariant(service[0]) + service[1..])
            .Select(name => Path.Combine(root, "services", $"ReferralHub.{name}", "bin", configuration, "net10.0", $"ReferralHub.{name}.dll"));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
