using System.Reflection;
using System.Text.Json;

namespace ReferralHub.Bench;

internal static class BenchReport
{
    public static void Write(string scenario, IReadOnlyList<BenchResult> results, Assembly assembly)
    {
        Console.WriteLine();
        Console.WriteLine($"| {scenario} case | ops | ops/s | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine($"| {r.Case} | {r.Operations} | {r.PerSecond:F0} | {r.Latency.P50:F2} | {r.Latency.P95:F2} | {r.Latency.P99:F2} | {r.Latency.Max:F2} |");
            foreach (var (key, value) in r.Extra ?? new Dictionary<string, string>()) Console.WriteLine($"|   {key}: {value} | | | | | | |");
        }

        var folder = System.IO.Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "bench", "results")).FullName;
        var file = Path.Combine(folder, $"{scenario}.json");
        var document = new
        {
            scenario,
            measuredAt = DateTime.UtcNow,
            machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString(), runtime = Environment.Version.ToString() },
            build = assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration,
            results = results.Select(r => new { r.Case, r.Operations, r.Seconds, r.PerSecond, r.Latency, r.Extra }),
        };
        File.WriteAllText(file, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"\nJSON written to {file}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        return System.IO.Directory.GetCurrentDirectory();
    }
}
