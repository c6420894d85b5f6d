using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Bench.Profiling;
using ReferralHub.Bench.Referrals;
using ReferralHub.Contracts.Consent;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Bench.Consent;

/// <summary>
/// Consent-check latency: CheckConsent request/response through the in-memory bus and RabbitMQ, and POST
/// /api/v1/consents/check, each a real decision (current version read, one-off use, decision appended to the log).
/// </summary>
public sealed class ConsentCheckScenario : IBenchScenario
{
    public string Name => "consent-check";

    public string Description => "consent decision latency: bus in-memory, bus RabbitMQ (SQLite and PostgreSQL), HTTP; options: --n 2000, --in-process, --db-profile, --trace FILE, --alloc-trace FILE";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        var n = Option(options, "--n", 2000);
        var inProcessOnly = options.Contains("--in-process");
        var dbProfile = options.Contains("--db-profile");
        string? Path(string name) => Array.IndexOf(options, name) is var i and >= 0 && i + 1 < options.Length ? options[i + 1] : null;
        Console.WriteLine($"{Environment.ProcessorCount} cores, load average {BenchHost.LoadAverage()}");
        BenchHost.UseHostContentRoot();
        var results = new List<BenchResult>();

        await using (var hub = new EmbeddedHubFactory { Settings = { ["Logging:LogLevel:Default"] = "Warning" } })
        {
            await hub.InitializeAsync();
            var caseCode = await RecordAsync(hub);
            using var profile = dbProfile ? new DbActivityProfile() : null;
            var trace = CpuTrace.StartIf(Path("--trace")) ?? CpuTrace.StartAllocationsIf(Path("--alloc-trace"));
            results.Add(await ProfiledAsync(profile, n, () => BusAsync(hub, caseCode, n, "bus in-memory, SQLite")));
            results.Add(await ProfiledAsync(profile, n, () => HttpAsync(hub, caseCode, n, "HTTP (in-process TestServer), SQLite")));
            if (trace is not null) await trace.DisposeAsync();
        }
        Console.WriteLine($"in-process rows done, load average {BenchHost.LoadAverage()}");
        if (inProcessOnly) return results;

        await using var rabbit = new RabbitMqServer();
        await rabbit.InitializeAsync();
        await using (var hub = new EmbeddedHubFactory { Settings = { ["ConnectionStrings:RabbitMq"] = rabbit.AmqpUri.ToString(), ["Logging:LogLevel:Default"] = "Warning" } })
        {
            await hub.InitializeAsync();
            var caseCode = await RecordAsync(hub);
            results.Add(await BusAsync(hub, caseCode, n, "bus RabbitMQ, SQLite"));
        }

        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var vhost = await rabbit.CreateVirtualHostAsync("bench-consent-pg");
        await using (var hub = new EmbeddedHubFactory
        {
            Settings =
            {
                ["ConnectionStrings:RabbitMq"] = vhost.ToString(),
                ["ConnectionStrings:consent"] = postgres.ConnectionStringFor("bench_consent"),
                ["Logging:LogLevel:Default"] = "Warning",
            },
        })
        {
            await hub.InitializeAsync();
            var caseCode = await RecordAsync(hub);
            results.Add(await BusAsync(hub, caseCode, n, "bus RabbitMQ, PostgreSQL"));
        }

        return results;
    }

    private static async Task<string> RecordAsync(EmbeddedHubFactory hub)
    {
        var client = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var caseCode = $"BENCH-{Guid.NewGuid():N}"[..20];
        var response = await client.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode,
            givenBy = "caregiver",
            givenOn = DateOnly.FromDateTime(DateTime.UtcNow),
            participateInCaseManagement = true,
            collectAndStore = true,
            sharing = new[] { "medical", "psychosocial-support" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            withholds = new[] { new { item = "child.name", reason = "fear-of-harm" } },
        });
        response.EnsureSuccessStatusCode();
        return caseCode;
    }

    /// <summary>
    /// Runs one row and says what it cost the process's GC per decision (allocated bytes, collections, pause time; the
    /// warm-up included); with a profile, also what the consent database did per decision.
    /// </summary>
    private static async Task<BenchResult> ProfiledAsync(DbActivityProfile? profile, int n, Func<Task<BenchResult>> row)
    {
        profile?.Start();
        var (allocated, gen0, gen1, gen2, paused) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var result = await row();
        var decisions = n + WarmUp;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Case}: {(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / decisions:F1} KB allocated per decision; GCs gen0/1/2 " +
            $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms " +
            $"over {decisions} decisions; load average {BenchHost.LoadAverage()}"));
        if (profile is null) return result;
        profile.Stop();
        Console.WriteLine($"{result.Case}, per decision (warm-up included; the table says \"per referral\"):");
        Console.WriteLine(profile.Table(decisions));
        Console.WriteLine(profile.TailTable());
        return result;
    }

    private const int WarmUp = 200;

    private static async Task<BenchResult> BusAsync(EmbeddedHubFactory hub, string caseCode, int n, string label)
    {
        var recorder = new TailRecorder(hub.DataDirectory);
        await using var scope = hub.Services.CreateAsyncScope();
        var requests = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsent>>();
        CheckConsent Request(string reference) => new("agency-a", caseCode, "agency-b", "medical", reference, true, "agency-a-system");

        // Warm-up (also waits for the broker connection: start-up does not wait for it).
        for (var i = 0; i < WarmUp; i++)
        {
            try { await requests.GetResponse<ConsentDecision>(Request($"referral:warm-{i}"), timeout: RequestTimeout.After(s: 10)); }
            catch (RequestTimeoutException) when (i < 5) { }
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var response = await recorder.TimeAsync(() => requests.GetResponse<ConsentDecision>(Request($"referral:{i}")));
            if (!response.Message.Permitted) throw new InvalidOperationException($"unexpected denial: {response.Message.Reason}");
        }

        Console.WriteLine($"{label}: {recorder.Attribution()}");
        return new BenchResult(label, n, Stopwatch.GetElapsedTime(started).TotalSeconds, recorder.Summary(),
            new Dictionary<string, string> { ["mode"] = "sequential, one caller, Consume=true, period consent" });
    }

    private static async Task<BenchResult> HttpAsync(EmbeddedHubFactory hub, string caseCode, int n, string label)
    {
        var recorder = new TailRecorder(hub.DataDirectory);
        var client = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        Task<HttpResponseMessage> Post(string reference) => client.PostAsJsonAsync("/api/v1/consents/check", new
        {
            caseCode, recipientOrganisation = "agency-b", purpose = "medical", releaseReference = reference, consume = true,
        });

        for (var i = 0; i < WarmUp; i++) (await Post($"referral:http-warm-{i}")).EnsureSuccessStatusCode();

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var response = await recorder.TimeAsync(() => Post($"referral:http-{i}"));
            response.EnsureSuccessStatusCode();
        }

        Console.WriteLine($"{label}: {recorder.Attribution()}");
        return new BenchResult(label, n, Stopwatch.GetElapsedTime(started).TotalSeconds, recorder.Summary(),
            new Dictionary<string, string> { ["mode"] = "sequential, one caller, bearer token, JSON both ways" });
    }

    private static int Option(string[] options, string name, int fallback)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length && int.TryParse(options[index + 1], out var value) ? value : fallback;
    }

    /// <summary>
    /// Per operation, its latency and whether a garbage collection or a WAL checkpoint of consent.db happened during it
    /// (in WAL mode only a checkpoint writes the database file itself, so its modification time says so): what the
    /// slowest 1 % have in common.
    /// </summary>
    private sealed class TailRecorder(string dataDirectory)
    {
        private readonly string _database = System.IO.Path.Combine(dataDirectory, "consent.db");
        private readonly List<(double Ms, bool Gc, bool Checkpoint)> _operations = [];

        public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
        {
            var (gcs, written) = (GC.CollectionCount(0), File.GetLastWriteTimeUtc(_database));
            var started = Stopwatch.GetTimestamp();
            var result = await operation();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            _operations.Add((ms, GC.CollectionCount(0) != gcs, File.GetLastWriteTimeUtc(_database) != written));
            return result;
        }

        public LatencySummary Summary() => LatencySummary.From([.. _operations.Select(o => o.Ms)]);

        public string Attribution()
        {
            var slowest = _operations.OrderByDescending(o => o.Ms).Take(Math.Max(1, _operations.Count / 100)).ToList();
            var neither = LatencySummary.From([.. _operations.Where(o => !o.Gc && !o.Checkpoint).Select(o => o.Ms)]);
            return string.Create(CultureInfo.InvariantCulture,
                $"{_operations.Count(o => o.Gc)} operations saw a GC, {_operations.Count(o => o.Checkpoint)} a checkpoint; of the slowest {slowest.Count}, " +
                $"{slowest.Count(o => o.Gc)} saw a GC and {slowest.Count(o => o.Checkpoint)} a checkpoint; the others: p50 {neither.P50:F2} p99 {neither.P99:F2} ms");
        }
    }
}
