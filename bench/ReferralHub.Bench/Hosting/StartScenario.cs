using System.Diagnostics;
using System.Globalization;
using System.Net;
using ReferralHub.Testing;

namespace ReferralHub.Bench.Hosting;

/// <summary>
/// Start time of the embedded host as an operator starts it: <c>dotnet ReferralHub.Host.dll</c> (the Release build next to
/// the bench), Development settings, from process start to the first <c>/health</c> 200; with a fresh data folder
/// (databases created, migrated and seeded, keys generated, the directory imported) and again with the data of the
/// previous run. The first fresh run's log lines are printed with their time since start: where the time goes.
/// Options: --runs N (3 each); --host PATH/ReferralHub.Host.dll to start another build of the host, e.g. the
/// ReadyToRun publish the container image ships (deploy/Dockerfile).
/// </summary>
public sealed class StartScenario : IBenchScenario
{
    public string Name => "start";

    public string Description => "embedded host (Release) start to /health 200: fresh data folder and with data, p50/max, with a timeline of the log";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        var i = Array.IndexOf(options, "--runs");
        var runs = i >= 0 && i + 1 < options.Length ? int.Parse(options[i + 1], CultureInfo.InvariantCulture) : 3;
        var h = Array.IndexOf(options, "--host");
        var host = h >= 0 && h + 1 < options.Length
            ? Path.GetFullPath(options[h + 1])
            : Path.Combine(RepositoryRoot(), "services", "ReferralHub.Host", "bin", "Release", "net10.0", "ReferralHub.Host.dll");
        if (!File.Exists(host)) throw new InvalidOperationException($"{host} is missing: build the bench in Release (dotnet run -c Release builds it), or pass --host PATH/ReferralHub.Host.dll.");

        var fresh = new LatencyRecorder();
        var withData = new LatencyRecorder();
        for (var run = 0; run < runs; run++)
        {
            var data = System.IO.Directory.CreateTempSubdirectory("referralhub-start-").FullName;
            try
            {
                var (ms, timeline) = await StartOnceAsync(host, data, logTimeline: run == 0);
                fresh.Add(ms);
                Console.WriteLine($"fresh data folder, run {run + 1}: {ms:F0} ms (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
                if (timeline is not null)
                {
                    Console.WriteLine("\ntimeline of the first fresh start (ms since process start: log line)\n");
                    foreach (var line in timeline) Console.WriteLine(line);
                    Console.WriteLine();
                }
                var (again, _) = await StartOnceAsync(host, data, logTimeline: false);
                withData.Add(again);
                Console.WriteLine($"with the data of that run, run {run + 1}: {again:F0} ms");
            }
            finally
            {
                try { System.IO.Directory.Delete(data, recursive: true); } catch (IOException) { }
            }
        }
        return
        [
            new BenchResult("embedded start to /health 200, fresh data folder", runs, 0, fresh.Summary()),
            new BenchResult("embedded start to /health 200, with data", runs, 0, withData.Summary()),
        ];
    }

    private static async Task<(double Ms, List<string>? Timeline)> StartOnceAsync(string host, string data, bool logTimeline)
    {
        var port = FreePort.Find();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(host)! };
        foreach (var argument in (string[])[host, "--urls", $"http://127.0.0.1:{port}"]) start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Storage__DataDirectory"] = data;
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning";
        var timeline = logTimeline ? new List<string>() : null;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        void Read(string? line)
        {
            if (line is null || timeline is null) return;
            lock (timeline) timeline.Add($"{clock.ElapsedMilliseconds,7} {line.Trim()}");
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                if (process.HasExited) throw new InvalidOperationException($"the host exited with {process.ExitCode}");
                try
                {
                    using var response = await client.GetAsync($"http://127.0.0.1:{port}/health");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var ms = clock.Elapsed.TotalMilliseconds;
                        Read($"(bench) /health 200");
                        List<string>? lines = null;
                        if (timeline is not null) lock (timeline) lines = [.. timeline];
                        return (ms, lines);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException) { }
                await Task.Delay(50);
            }
            throw new InvalidOperationException("no /health 200 within 5 minutes");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the bench from inside the repository.");
    }
}
