using System.Diagnostics;

namespace ReferralHub.Bench;

/// <summary>Latency percentiles in milliseconds (nearest-rank).</summary>
public sealed record LatencySummary(double P50, double P95, double P99, double Max)
{
    public static LatencySummary From(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) return new LatencySummary(0, 0, 0, 0);
        var sorted = milliseconds.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencySummary(At(0.50), At(0.95), At(0.99), sorted[^1]);
    }
}

/// <summary>Collects per-operation latencies; thread-safe.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _samples = [];

    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await operation();
        Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    public void Add(double milliseconds)
    {
        lock (_samples) _samples.Add(milliseconds);
    }

    public LatencySummary Summary()
    {
        lock (_samples) return LatencySummary.From(_samples.ToArray());
    }

    public int Count
    {
        get { lock (_samples) return _samples.Count; }
    }
}
