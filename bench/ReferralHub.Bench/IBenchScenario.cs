namespace ReferralHub.Bench;

/// <summary>One benchmark verb. Runs on loopback only and stops by itself.</summary>
public interface IBenchScenario
{
    string Name { get; }

    string Description { get; }

    Task<IReadOnlyList<BenchResult>> RunAsync(string[] options);
}

/// <summary>One row of the table: a measured case (e.g. "pathway query, HTTP, 10,000 services").</summary>
public sealed record BenchResult(string Case, int Operations, double Seconds, LatencySummary Latency, IReadOnlyDictionary<string, string>? Extra = null)
{
    public double PerSecond => Seconds > 0 ? Operations / Seconds : 0;
}
