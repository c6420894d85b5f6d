using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Bench.Referrals;

/// <summary>
/// Drives the referral API of a whole hub (in-process HTTP, real tokens, real directory and consent registry):
/// a burst of submissions, submit→offered latency at fixed rates, the full cycle to completion, messages per referral,
/// and a raw MassTransit publish/consume baseline on the same bus, so the hub's cost is a ratio.
/// Options: --mode embedded|distributed|both|separate (default embedded), --burst N (500), --rates 50,100,200, --seconds S (5),
/// --cycles N (100), --warmup N (5000, referrals before anything is measured; 20 before session 11), --replicas N (separate only, 1), --trace FILE (a CPU sampling trace of this process over the burst,
/// embedded or distributed; read it with <c>profile-report FILE</c>), --alloc-trace FILE (an allocation trace over the
/// same window: the runtime's AllocationTick events with their stacks; <c>profile-report FILE --referrals N</c>). <c>distributed</c> is the one-process hub on a local RabbitMQ +
/// PostgreSQL; <c>separate</c> runs every service as its own process (deploy/run-distributed.sh) and drives it through
/// the gateway, with the bench's own bus on the same broker for the offered events and the raw baseline.
/// </summary>
public sealed class ReferralFlowScenario : IBenchScenario
{
    public string Name => "referral-flow";

    public string Description => "submit → consent → offered, full cycle, messages per referral, raw bus baseline (embedded and/or RabbitMQ + PostgreSQL)";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(options, name);
            return i >= 0 && i + 1 < options.Length ? options[i + 1] : fallback;
        }
        var mode = Option("--mode", "embedded");
        var burst = int.Parse(Option("--burst", "500"), CultureInfo.InvariantCulture);
        var rates = Option("--rates", "50,100,200").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        var seconds = double.Parse(Option("--seconds", "5"), CultureInfo.InvariantCulture);
        var cycles = int.Parse(Option("--cycles", "100"), CultureInfo.InvariantCulture);
        var replicas = int.Parse(Option("--replicas", "1"), CultureInfo.InvariantCulture);
        TracePath = Option("--trace", "");
        AllocationTracePath = Option("--alloc-trace", "");
        WarmUp = int.Parse(Option("--warmup", "5000"), CultureInfo.InvariantCulture);
        // The hub runs in this process, under this process's GC: say which (the shipped host runs server GC).
        Console.WriteLine($"GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, latency mode {System.Runtime.GCSettings.LatencyMode}, " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");

        BenchHost.UseHostContentRoot();
        var results = new List<BenchResult>();
        if (mode is "embedded" or "both")
        {
            await using var hub = new EmbeddedHubFactory { Settings = { ["Logging:LogLevel:Default"] = "Warning" } };
            await hub.InitializeAsync();
            results.AddRange(await MeasureAsync(await ClientsAsync(hub), hub.Services.GetRequiredService<IBus>(), "embedded", burst, rates, seconds, cycles));
        }
        if (mode is "distributed" or "both")
        {
            await using var rabbit = new RabbitMqServer();
            await using var postgres = new PostgresServer();
            await rabbit.InitializeAsync();
            await postgres.InitializeAsync();
            var settings = new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = rabbit.AmqpUri.ToString(), ["ConnectionStrings:Postgres"] = postgres.ConnectionString, ["Logging:LogLevel:Default"] = "Warning" };
            await using var hub = new EmbeddedHubFactory { Settings = settings };
            await hub.InitializeAsync();
            results.AddRange(await MeasureAsync(await ClientsAsync(hub), hub.Services.GetRequiredService<IBus>(), "rabbitmq+postgres", burst, rates, seconds, cycles));
        }
        if (mode is "separate")
        {
            await using var hub = await SeparateProcessesHub.StartAsync(replicas);
            // The bench's own bus on the hub's broker: it hears the services' ReferralStatusChanged events (a queue of its
            // own bound to the event's exchange) and runs the raw publish→consume baseline on the same broker.
            var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(hub.AmqpUri, host => host.PublisherConfirmation = true));
            await bus.StartAsync();
            try
            {
                var clients = (await hub.ClientForAsync("agency-a-system", "agency-a-secret"), await hub.ClientForAsync("agency-b-system", "agency-b-secret"));
                results.AddRange(await MeasureAsync(clients, bus, $"separate processes ×{replicas}", burst, rates, seconds, cycles, inProcess: false));
            }
            finally
            {
                await bus.StopAsync();
            }
        }
        return results;
    }

    private static async Task<(HttpClient Referrer, HttpClient Provider)> ClientsAsync(EmbeddedHubFactory hub) =>
        (await hub.ClientForAsync("agency-a-system", "agency-a-secret"), await hub.ClientForAsync("agency-b-system", "agency-b-secret"));

    private static string TracePath = "";

    private static string AllocationTracePath = "";

    /// <summary>
    /// Referrals run through the hub before anything is measured (--warmup N, 0 for a cold hub). The runtime compiles a
    /// method three times (quick, instrumented, optimised) and only once the process has been busy long enough: 20
    /// referrals left most of the burst running unoptimised code (a perf profile of session 11: JIT and instrumented
    /// code ~30 % of the CPU), so the burst measured warm-up, not the hub a camp's emergency meets after days of running. 5,000 is where the
    /// embedded burst stopped getting faster on the quiet 2-core machine (docs/benchmarks.md, session 11).
    /// </summary>
    private static int WarmUp = 5000;

    private static string LoadAverage() => BenchHost.LoadAverage();

    private static async Task<List<BenchResult>> MeasureAsync((HttpClient Referrer, HttpClient Provider) clients, IBus bus, string mode, int burst, int[] rates,
        double seconds, int cycles, bool inProcess = true)
    {
        var results = new List<BenchResult>();
        var (referrer, provider) = clients;
        var cases = Enumerable.Range(0, 20).Select(i => $"BENCH-{mode[0]}-{i}").ToArray();
        foreach (var caseCode in cases)
        {
            var consent = await referrer.PostAsJsonAsync("/api/v1/consents", new
            {
                caseCode, givenBy = "child-consent", givenOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                participateInCaseManagement = true, collectAndStore = true, sharing = new[] { "mental-health" }, oneOff = false,
                validUntil = DateTimeOffset.UtcNow.AddDays(30),
            });
            if (consent.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"consent: {await consent.Content.ReadAsStringAsync()}");
        }

        // Offered events tell when each referral reached the provider's inbox, without polling the API.
        var offered = new ConcurrentDictionary<Guid, long>();
        var waiters = new ConcurrentDictionary<Guid, TaskCompletionSource>();
        var messages = new MessageCounter();
        bus.ConnectPublishObserver(messages);
        bus.ConnectSendObserver(messages);
        var handle = bus.ConnectReceiveEndpoint($"bench-offered-{Guid.NewGuid():N}", e => e.Handler<ReferralStatusChanged>(c =>
        {
            if (c.Message.Status == ReferralStatuses.Offered && offered.TryAdd(c.Message.ReferralId, Stopwatch.GetTimestamp())
                && waiters.TryRemove(c.Message.ReferralId, out var waiter)) waiter.TrySetResult();
            return Task.CompletedTask;
        }));
        await handle.Ready;

        var n = 0;
        JsonObject Body() => new()
        {
            ["caseCode"] = cases[Interlocked.Increment(ref n) % cases.Length], ["priority"] = "medium", ["serviceType"] = "specialised-mhpss",
            ["areaCode"] = "demo-camp-1", ["child"] = new JsonObject { ["firstName"] = "Bench", ["sex"] = "female", ["languages"] = new JsonArray("ar") },
            ["reasonForReferral"] = "Benchmark referral", ["expectedOutcome"] = "Benchmark",
        };
        async Task<(Guid Id, long Started)> SubmitAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(Body()) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var started = Stopwatch.GetTimestamp();
            using var response = await referrer.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"submit: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            return (id, started);
        }
        async Task WaitOfferedAsync(Guid id)
        {
            var waiter = waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (offered.ContainsKey(id)) return;
            await waiter.Task.WaitAsync(TimeSpan.FromSeconds(120));
        }

        // 0. Warm-up (not measured): the first referrals pay for JIT, connection pools and caches in every process. The
        // first 20 one at a time-ish, the rest as a burst, so the burst's own paths are compiled optimised before it runs.
        var warmUp = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Math.Min(WarmUp, 20)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) =>
        {
            var (id, _) = await SubmitAsync();
            await WaitOfferedAsync(id);
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, Math.Max(0, WarmUp - 20)), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) =>
        {
            var (id, _) = await SubmitAsync();
            await WaitOfferedAsync(id);
        });
        Console.WriteLine($"{mode}: warm-up of {WarmUp} referrals took {warmUp.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s (load average {LoadAverage()})");

        // 1. Burst: how many submissions per second the API takes (32 concurrent clients). The database profile and the
        // message mix are taken over this phase only, from the first submit until every referral is offered.
        using var profile = new DbActivityProfile();
        var burstMessages = messages.Snapshot();
        var trace = inProcess ? Profiling.CpuTrace.StartIf(TracePath) : null;
        var allocationTrace = inProcess ? Profiling.CpuTrace.StartAllocationsIf(AllocationTracePath) : null;
        profile.Start();
        var latency = new LatencyRecorder();
        var clock = Stopwatch.StartNew();
        var ids = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, burst), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) =>
        {
            var (id, started) = await SubmitAsync();
            latency.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            ids.Add(id);
        });
        var submitSeconds = clock.Elapsed.TotalSeconds;
        foreach (var id in ids) await WaitOfferedAsync(id);
        profile.Stop();
        if (trace is not null) await trace.DisposeAsync();
        if (allocationTrace is not null) await allocationTrace.DisposeAsync();
        // The database profile and the message counts see this process only: with the services in processes of their
        // own there is nothing to count here.
        if (inProcess)
        {
            Console.WriteLine($"\n{mode}: burst of {burst}, database activity per referral (EF Core diagnostics)\n");
            Console.WriteLine(profile.Table(burst));
            Console.WriteLine($"{mode}: burst of {burst}, messages per referral by type (publish + send)\n");
            Console.WriteLine("| message | per referral |\n|---|---:|");
            foreach (var (type, count) in messages.Since(burstMessages).OrderBy(p => p.Key, StringComparer.Ordinal))
                Console.WriteLine($"| {type} | {((double)count / burst).ToString("F2", CultureInfo.InvariantCulture)} |");
        }
        results.Add(new BenchResult($"{mode}: submit burst (202), 32 concurrent", burst, submitSeconds, latency.Summary(),
            new Dictionary<string, string> { ["all offered after s"] = clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) }));
        var burstOfferedPerSecond = burst / clock.Elapsed.TotalSeconds;
        // Messages per referral to "offered": counted on this process's bus when the services run in it; otherwise the
        // in-process count (8: docs/benchmarks.md), the services' code being the same.
        var burstMessagesPerReferral = inProcess ? (double)messages.Since(burstMessages).Values.Sum() / burst : 8;

        // 2. Paced: submit→offered latency at fixed rates; messages per referral counted here.
        foreach (var rate in rates)
        {
            var total = (int)(rate * seconds);
            var paced = new LatencyRecorder();
            var before = messages.Count;
            clock.Restart();
            var tasks = new List<Task>(total);
            for (var i = 0; i < total; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                if (clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
                tasks.Add(Task.Run(async () =>
                {
                    var (id, started) = await SubmitAsync();
                    await WaitOfferedAsync(id);
                    paced.Add(Stopwatch.GetElapsedTime(started, offered[id]).TotalMilliseconds);
                }));
            }
            await Task.WhenAll(tasks);
            var perReferral = (double)(messages.Count - before) / total;
            var counted = inProcess ? perReferral.ToString("F1", CultureInfo.InvariantCulture) : "not counted (other processes)";
            results.Add(new BenchResult($"{mode}: submit→offered at {rate}/s", total, clock.Elapsed.TotalSeconds, paced.Summary(),
                new Dictionary<string, string> { ["messages/referral"] = counted }));
        }

        // 3. Full cycle: submit, offered, accept (consent used up, payload released), start, complete; 16 concurrent.
        var cycle = new LatencyRecorder();
        var cycleMessages = messages.Count;
        clock.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, cycles), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, _) =>
        {
            var (id, started) = await SubmitAsync();
            await WaitOfferedAsync(id);
            foreach (var (action, body) in new (string, object)[] { ("accept", new { }), ("start", new { startedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }),
                ("complete", new { completedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), childSatisfaction = "high" }) })
            {
                using var response = await provider.PostAsJsonAsync($"/api/v1/referrals/{id}/{action}", body);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            cycle.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        results.Add(new BenchResult($"{mode}: full cycle to completed, 16 concurrent", cycles, clock.Elapsed.TotalSeconds, cycle.Summary(),
            new Dictionary<string, string>
            {
                ["messages/referral"] = inProcess ? ((double)(messages.Count - cycleMessages) / cycles).ToString("F1", CultureInfo.InvariantCulture) : "not counted (other processes)",
            }));

        // 4. Baseline: raw publish → consume of a small message on the same bus. One round of 5,000 swung 8,000–50,000
        // msg/s run to run (its handler's code was still being compiled by tiers), so: a round to warm it, then three
        // rounds of 20,000, and the median is the baseline.
        const int pings = 20_000;
        var received = 0;
        var target = pings;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ping = bus.ConnectReceiveEndpoint($"bench-ping-{Guid.NewGuid():N}", e => e.Handler<BenchPing>(_ =>
        {
            if (Interlocked.Increment(ref received) == Volatile.Read(ref target)) all.TrySetResult();
            return Task.CompletedTask;
        }));
        await ping.Ready;
        var rounds = new List<double>();
        for (var round = 0; round < 4; round++)
        {
            Volatile.Write(ref target, (round + 1) * pings);
            clock.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, pings), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) => await bus.Publish(new BenchPing(i), ct));
            await all.Task.WaitAsync(TimeSpan.FromMinutes(5));
            all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (round > 0) rounds.Add(pings / clock.Elapsed.TotalSeconds); // round 0 warms the handler's path
        }
        rounds.Sort();
        var rawPerSecond = rounds[1];
        var efficiency = burstOfferedPerSecond * burstMessagesPerReferral / rawPerSecond;
        results.Add(new BenchResult($"{mode}: raw MassTransit publish→consume baseline (median of 3 rounds)", pings, pings / rawPerSecond, new LatencySummary(0, 0, 0, 0),
            new Dictionary<string, string>
            {
                ["rounds msg/s"] = string.Join(" · ", rounds.Select(r => r.ToString("F0", CultureInfo.InvariantCulture))),
                ["efficiency (burst offered/s × messages per referral ÷ raw msg/s)"] =
                    $"{efficiency.ToString("F3", CultureInfo.InvariantCulture)} ({burstOfferedPerSecond.ToString("F1", CultureInfo.InvariantCulture)}/s × {burstMessagesPerReferral.ToString("F1", CultureInfo.InvariantCulture)} ÷ {rawPerSecond.ToString("F0", CultureInfo.InvariantCulture)})",
            }));
        Console.WriteLine($"\n{mode}: efficiency {efficiency:F3} (goal ≥ 0.5)");
        await ping.StopAsync();
        await handle.StopAsync();
        return results;
    }

    private sealed class MessageCounter : IPublishObserver, ISendObserver
    {
        private long _count;
        private readonly ConcurrentDictionary<string, long> _byType = new();

        public long Count => Interlocked.Read(ref _count);

        public Dictionary<string, long> Snapshot() => new(_byType);

        public Dictionary<string, long> Since(Dictionary<string, long> before) =>
            _byType.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key));

        private void Add(object message, string verb)
        {
            Interlocked.Increment(ref _count);
            _byType.AddOrUpdate($"{verb} {message.GetType().Name}", 1, (_, n) => n + 1);
        }

        public Task PrePublish<T>(PublishContext<T> context) where T : class { if (context.Message is not BenchPing) Add(context.Message, "publish"); return Task.CompletedTask; }

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

        public Task PreSend<T>(SendContext<T> context) where T : class { Add(context.Message, "send"); return Task.CompletedTask; }

        public Task PostSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

        public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

public sealed record BenchPing(int Number);
