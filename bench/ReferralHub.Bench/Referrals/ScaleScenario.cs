using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Protection;
using ReferralHub.Portal.Persistence;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Webhooks;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Bench.Referrals;

/// <summary>
/// Growth: the same measures on an empty hub and after loading a large history (N referrals over N/10 cases, with
/// their status history, releases, protection keys, sent outbox rows, inbox rows, webhooks and dead letters) straight
/// into referral routing's own database, each p99 next to the empty hub's with the ratio (goal ≤ 2×). Then a burst, and
/// the outbox/inbox row counts before, after it and after the sweep that keeps them bounded.
/// Options: --referrals N (1,000,000), --samples S per measure (200), --burst B (500), --trace FILE (after the loaded
/// measures, a CPU sampling trace of this process over 200 more calls of each turnaround report; read it with profile-report).
/// </summary>
public sealed class ScaleScenario : IBenchScenario
{
    public string Name => "scale";

    public string Description => "growth: submit→offered, inbox, change feed, case export, turnaround on an empty hub vs N loaded referrals; bounded outbox/inbox";

    private const string ReferringAgency = "agency-a";
    private const string ExportCase = "BENCH-EXPORT";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(options, name);
            return i >= 0 && i + 1 < options.Length ? options[i + 1] : fallback;
        }
        var total = int.Parse(Option("--referrals", "1000000"), CultureInfo.InvariantCulture);
        var samples = int.Parse(Option("--samples", "200"), CultureInfo.InvariantCulture);
        var burst = int.Parse(Option("--burst", "500"), CultureInfo.InvariantCulture);
        var run = Stopwatch.StartNew();
        void Progress(string what) => Console.WriteLine($"[{run.Elapsed:mm\\:ss}] {what} (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");

        BenchHost.UseHostContentRoot();
        // The outbox dispatcher's cleanup (the sweep that bounds the outbox and inbox) and the webhook retention sweep
        // (dead letters) run every few seconds here instead of every 10 minutes, so the bench can show them; what they
        // delete (outbox rows sent 7 days ago, inbox rows 30 days old, dead letters 90 days old) is unchanged.
        await using var hub = new EmbeddedHubFactory
        {
            Settings =
            {
                ["Logging:LogLevel:Default"] = "Warning", ["Messaging:Outbox:CleanupInterval"] = "00:00:05",
                ["Referrals:Webhooks:RetentionInterval"] = "00:00:05",
            },
        };
        await hub.InitializeAsync();
        Progress($"hub started in {hub.DataDirectory}");
        var referrer = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var provider = await hub.ClientForAsync("agency-b-system", "agency-b-secret");
        var coordinator = await hub.ClientForAsync("coordinator-system", "coordinator-secret");
        coordinator.Timeout = TimeSpan.FromMinutes(10); // the 12-month turnaround at a million referrals

        var cases = Enumerable.Range(0, 20).Select(i => $"BENCH-S-{i}").Append(ExportCase).ToArray();
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

        var flow = new Flow(hub, referrer);
        await flow.StartAsync();
        // The case the export reads: ten referrals, like every loaded case.
        for (var i = 0; i < 10; i++) await flow.SubmitAndWaitAsync(ExportCase);
        var template = await TemplateAsync(hub, flow.LastId);

        var measures = new Measures(flow, referrer, provider, coordinator, hub, cases[..20], samples);
        Progress("measuring the empty hub");
        var empty = await measures.RunAsync("empty");

        Progress($"loading {total:N0} referrals over {total / 10:N0} cases into referrals.db");
        var load = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var loaded = await LoadHistoryAsync(hub, template, total, Progress);
        load.Stop();
        // CPU time of the whole bench process (the hub idles meanwhile): what the load costs on a quiet machine.
        var loadCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Progress($"loaded {loaded.Rows:N0} rows in {load.Elapsed.TotalSeconds:F0} s ({loaded.Rows / load.Elapsed.TotalSeconds:N0} rows/s, {total / load.Elapsed.TotalSeconds:N0} referrals/s), {loadCpu:F0} s of CPU ({loadCpu * 1e6 / loaded.Rows:F1} µs per row)");

        // Bounded tables: the loaded rows older than the retention are deleted by the dispatcher's cleanup sweep and the
        // webhook retention sweep (the hub runs on meanwhile); then a burst adds its own rows, and the next rounds keep
        // only what is young.
        var bounded = new List<(string Moment, Dictionary<string, long> Counts)> { ("right after loading", new Dictionary<string, long>(loaded.Counts)) };
        var sweepClock = Stopwatch.StartNew();
        while (sweepClock.Elapsed < TimeSpan.FromMinutes(5) && await AgedRowsAsync(hub) > 0) await Task.Delay(1000);
        bounded.Add(($"after the cleanup sweep ({sweepClock.Elapsed.TotalSeconds:F0} s)", await CountsAsync(hub)));
        Progress($"the sweeps left {await AgedRowsAsync(hub):N0} aged outbox/inbox rows and dead letters after {sweepClock.Elapsed.TotalSeconds:F0} s");
        // The turnaround roll-up: the loader marked every loaded cell stale (as the migration does for an existing
        // database); the hub's roll-up sweep recomputes them. The report is exact meanwhile, but would compute them itself.
        var rollupClock = Stopwatch.StartNew();
        while (rollupClock.Elapsed < TimeSpan.FromMinutes(5) && await StaleCellsAsync(hub) > 0) await Task.Delay(1000);
        Progress($"the turnaround roll-up sweep left {await StaleCellsAsync(hub):N0} stale cell markers after {rollupClock.Elapsed.TotalSeconds:F0} s");

        Progress("measuring the loaded hub");
        var full = await measures.RunAsync("loaded", historyCase: loaded.FirstCase);
        var tracePath = Option("--trace", "");
        if (tracePath.Length > 0)
        {
            Progress("tracing the loaded turnaround reports");
            await using (Profiling.CpuTrace.StartIf(tracePath)) await measures.TurnaroundCallsAsync(200);
        }

        Progress($"burst of {burst}");
        await Parallel.ForEachAsync(Enumerable.Range(0, burst), new ParallelOptions { MaxDegreeOfParallelism = 32 },
            async (i, _) => await flow.SubmitAndWaitAsync(cases[i % 20]));
        bounded.Add(("after a burst of " + burst, await CountsAsync(hub)));
        await Task.Delay(12_000); // two more cleanup rounds of every database's dispatcher
        bounded.Add(("12 s later", await CountsAsync(hub)));
        await flow.StopAsync();

        Console.WriteLine($"\nscale: {total:N0} referrals, {total / 10:N0} cases, {loaded.Rows:N0} rows loaded in {load.Elapsed.TotalSeconds:F0} s; p99 on an empty hub vs loaded (goal ≤ 2×)\n");
        Console.WriteLine("| measure | empty p50 ms | empty p99 ms | loaded p50 ms | loaded p99 ms | ratio p99 |\n|---|---:|---:|---:|---:|---:|");
        var results = new List<BenchResult>();
        foreach (var (name, before) in empty)
        {
            if (!full.TryGetValue(name, out var after)) continue;
            var ratio = before.P99 > 0 ? after.P99 / before.P99 : 0;
            Console.WriteLine($"| {name} | {before.P50:F2} | {before.P99:F2} | {after.P50:F2} | {after.P99:F2} | {ratio:F2} |");
        }
        foreach (var (name, after) in full.Where(p => !empty.ContainsKey(p.Key)))
            Console.WriteLine($"| {name} | | | {after.P50:F2} | {after.P99:F2} | |");
        Console.WriteLine("\nrow counts (the outbox and inbox are kept bounded by each dispatcher's cleanup: sent rows older than 7 days, inbox rows older than 30 days; webhook dead letters by the retention sweep: older than 90 days)\n");
        var tables = bounded[0].Counts.Keys.ToList();
        Console.WriteLine($"| moment | {string.Join(" | ", tables)} |\n|---|{string.Concat(tables.Select(_ => "---:|"))}");
        foreach (var (moment, counts) in bounded) Console.WriteLine($"| {moment} | {string.Join(" | ", tables.Select(t => counts[t].ToString("N0", CultureInfo.InvariantCulture)))} |");

        foreach (var (name, after) in full)
        {
            var extra = new Dictionary<string, string> { ["referrals loaded"] = total.ToString(CultureInfo.InvariantCulture) };
            if (empty.TryGetValue(name, out var before))
            {
                extra["empty p99 ms"] = before.P99.ToString("F2", CultureInfo.InvariantCulture);
                extra["ratio p99"] = (before.P99 > 0 ? after.P99 / before.P99 : 0).ToString("F2", CultureInfo.InvariantCulture);
            }
            results.Add(new BenchResult($"loaded: {name}", samples, 0, after, extra));
        }
        results.Add(new BenchResult("load history (bulk insert)", (int)loaded.Rows, load.Elapsed.TotalSeconds, new LatencySummary(0, 0, 0, 0),
            new Dictionary<string, string>
            {
                ["referrals/s"] = (total / load.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture),
                ["cpu s"] = loadCpu.ToString("F1", CultureInfo.InvariantCulture),
            }));
        foreach (var (moment, counts) in bounded)
            results.Add(new BenchResult($"rows {moment}", 0, 0, new LatencySummary(0, 0, 0, 0), counts.ToDictionary(c => c.Key, c => c.Value.ToString(CultureInfo.InvariantCulture))));
        return results;
    }

    private static async Task<Referral> TemplateAsync(EmbeddedHubFactory hub, Guid id)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        return await db.Referrals.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    /// <summary>
    /// Outbox rows sent more than 7 days ago, inbox rows older than 30 days and webhook dead letters past their age
    /// (90 days, re-sent ones 30 days after the re-send) in referrals.db: what the cleanup and retention sweeps delete.
    /// </summary>
    private static async Task<long> AgedRowsAsync(EmbeddedHubFactory hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        var now = DateTime.UtcNow;
        return await db.OutboxMessages.LongCountAsync(m => m.SentAt != null && m.SentAt < now.AddDays(-7))
             + await db.InboxMessages.LongCountAsync(m => m.HandledAt < now.AddDays(-30))
             + await db.WebhookDeadLetters.LongCountAsync(d => (d.ResentAt == null && d.DeadAt < now.AddDays(-90)) || (d.ResentAt != null && d.ResentAt < now.AddDays(-30)));
    }

    private static async Task<long> StaleCellsAsync(EmbeddedHubFactory hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().TurnaroundStaleCells.LongCountAsync();
    }

    private static async Task<Dictionary<string, long>> CountsAsync(EmbeddedHubFactory hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var referrals = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        var portal = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return new Dictionary<string, long>
        {
            ["referrals.db outbox_messages"] = await referrals.OutboxMessages.LongCountAsync(),
            ["referrals.db unsent"] = await referrals.OutboxMessages.LongCountAsync(m => m.SentAt == null),
            ["referrals.db inbox_messages"] = await referrals.InboxMessages.LongCountAsync(),
            ["referrals.db webhook_dead_letters"] = await referrals.WebhookDeadLetters.LongCountAsync(),
            ["portal.db outbox_messages"] = await portal.OutboxMessages.LongCountAsync(),
            ["portal.db inbox_messages"] = await portal.InboxMessages.LongCountAsync(),
        };
    }

    private sealed record Loaded(long Rows, long InboxRows, long OutboxRows, string FirstCase, Dictionary<string, long> Counts);

    /// <summary>
    /// Writes the history the way referral routing stores it: personal fields encrypted with AES-256-GCM under one data
    /// key per case (scope = the case, associated data as the service uses it), the key wrapped by the service's own
    /// Data Protection purpose, so the service reads the loaded referrals like its own. A case's ten referrals share one
    /// ciphertext per field (a bench; the service would encrypt each with a fresh nonce).
    /// </summary>
    private static async Task<Loaded> LoadHistoryAsync(EmbeddedHubFactory hub, Referral template, int total, Action<string> progress)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<IPersonalDataProtector<ReferralsDbContext>>();
        var scopeOfTemplate = ProtectionScopes.Case(template.OriginAgencyCode, template.OriginCaseCode);
        var payload = Encoding.UTF8.GetBytes((await protector.UnprotectAsync(scopeOfTemplate, template.PayloadProtected))!);
        var summary = Encoding.UTF8.GetBytes((await protector.UnprotectAsync(scopeOfTemplate, template.SummaryProtected))!);
        var hash = Encoding.UTF8.GetBytes((await protector.UnprotectAsync(scopeOfTemplate, template.RequestHashProtected))!);
        // The wrapping the service uses for its scope keys (PersonalDataProtector: purpose and context type name).
        var wrapper = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("ReferralHub.Protection.ScopeKeys", nameof(ReferralsDbContext));
        var material = RandomNumberGenerator.GetBytes(32);
        var wrapped = wrapper.Protect(material);
        using var aes = new AesGcm(material, 16);

        await using var loader = await BulkLoader.OpenAsync(db);
        var providerOrganisation = template.OrganisationCode!;
        var sequence = await loader.ScalarAsync("SELECT COALESCE(MAX(\"Sequence\"), 0) FROM referral_changes");
        var outboxSequence = await loader.ScalarAsync("SELECT COALESCE(MAX(\"Sequence\"), 0) FROM outbox_messages");
        var now = DateTime.UtcNow;
        // History from 30 months ago up to 30 days ago: inside the three-year retention, older than the inbox's 30 days.
        var first = now.AddDays(-900);
        var span = TimeSpan.FromDays(870);
        var agencies = Enumerable.Range(0, 40).Select(a => $"hist-agency-{a:D2}").ToArray();
        string[] endings = [ReferralStatuses.Completed, ReferralStatuses.Completed, ReferralStatuses.Completed, ReferralStatuses.Completed,
            ReferralStatuses.Completed, ReferralStatuses.Completed, ReferralStatuses.Completed, ReferralStatuses.Withdrawn, ReferralStatuses.Unplaced,
            ReferralStatuses.InService];
        var clock = Stopwatch.StartNew();
        string? firstCase = null;
        var deadLetters = new List<WebhookDeadLetter>();
        string Protect(string scopeName, byte[] plaintext, Guid keyId)
        {
            var output = new byte[1 + 16 + 12 + 16 + plaintext.Length];
            output[0] = 1;
            keyId.TryWriteBytes(output.AsSpan(1, 16));
            RandomNumberGenerator.Fill(output.AsSpan(17, 12));
            aes.Encrypt(output.AsSpan(17, 12), plaintext, output.AsSpan(45), output.AsSpan(29, 16), Encoding.UTF8.GetBytes(scopeName));
            return "pd1:" + Convert.ToBase64String(output);
        }

        for (var caseIndex = 0; caseIndex < total / 10; caseIndex++)
        {
            // Half the cases are agency-a's (the referrer the bench reads as), the rest spread over 40 other agencies.
            var agency = caseIndex % 2 == 0 ? ReferringAgency : agencies[caseIndex % agencies.Length];
            var caseCode = $"H-{caseIndex:D7}";
            firstCase ??= caseCode;
            var keyId = Guid.NewGuid();
            var scopeName = ProtectionScopes.Case(agency, caseCode);
            var caseCreated = first + span * ((double)caseIndex / (total / 10));
            loader.Insert(new ProtectionKey { Id = keyId, Scope = scopeName, WrappedKey = wrapped, CreatedAt = caseCreated });
            var payloadProtected = Protect(scopeName, payload, keyId);
            var summaryProtected = Protect(scopeName, summary, keyId);
            var hashProtected = Protect(scopeName, hash, keyId);
            for (var k = 0; k < 10; k++)
            {
                var i = caseIndex * 10 + k;
                var created = caseCreated.AddHours(k * 3);
                var status = endings[i % endings.Length];
                var organisation = i % 5 == 0 ? providerOrganisation : $"hist-org-{i % 30:D2}";
                var offered = created.AddMinutes(2);
                var answered = offered.AddHours(1 + i % 90);
                var referral = new Referral
                {
                    Id = Guid.NewGuid(), AgencyCode = agency, CaseCode = caseCode, OriginAgencyCode = agency, OriginCaseCode = caseCode,
                    SubmittedBy = "history", IdempotencyKey = $"history-{i}", RequestHashProtected = hashProtected, ServiceType = template.ServiceType,
                    AreaCode = template.AreaCode, Priority = Priorities.All[i % Priorities.All.Count], Status = status,
                    StatusReason = status == ReferralStatuses.Unplaced ? "no-more-candidates" : null,
                    CandidatesJson = template.CandidatesJson, OfferIndex = 0, RoutingStep = 1, EscalationFocalPointsJson = template.EscalationFocalPointsJson,
                    ServiceId = template.ServiceId, OrganisationCode = organisation, OfferedAt = offered, DeadlineAt = offered.AddDays(3),
                    RespondedAt = status == ReferralStatuses.Withdrawn ? null : answered,
                    AcceptedAt = status is ReferralStatuses.Completed or ReferralStatuses.InService ? answered : null,
                    ServiceStartedOn = status is ReferralStatuses.Completed or ReferralStatuses.InService ? answered.Date.AddDays(1) : null,
                    ServiceCompletedOn = status == ReferralStatuses.Completed ? answered.Date.AddDays(20) : null,
                    DeclineReason = status == ReferralStatuses.Unplaced ? "capacity" : null,
                    ChildSatisfaction = status == ReferralStatuses.Completed ? "high" : null,
                    PayloadProtected = payloadProtected, SummaryProtected = summaryProtected, OfferWithheldJson = template.OfferWithheldJson,
                    CreatedAt = created, UpdatedAt = status == ReferralStatuses.Completed ? answered.Date.AddDays(20) : answered, Version = 4,
                };
                loader.Insert(referral);
                string[] steps = status switch
                {
                    ReferralStatuses.Completed => [ReferralStatuses.Submitted, ReferralStatuses.Offered, ReferralStatuses.Accepted, ReferralStatuses.InService, ReferralStatuses.Completed],
                    ReferralStatuses.InService => [ReferralStatuses.Submitted, ReferralStatuses.Offered, ReferralStatuses.Accepted, ReferralStatuses.InService],
                    _ => [ReferralStatuses.Submitted, ReferralStatuses.Offered, status],
                };
                for (var s = 0; s < steps.Length; s++)
                {
                    loader.Insert(new ReferralChange
                    {
                        Sequence = ++sequence, ReferralId = referral.Id, AgencyCode = agency, Status = steps[s], OrganisationCode = s == 0 ? null : organisation,
                        ServiceId = s == 0 ? null : referral.ServiceId, Version = s + 1, ChangedAt = s == 0 ? created : answered.AddDays(s - 2),
                    });
                    // A webhook's delivery given up on, now and then (kept for the agency to resend); written with the
                    // outbox and inbox rows below, so the retention sweep is seen deleting them rather than racing the load.
                    if (sequence % 1000 == 0)
                        deadLetters.Add(new WebhookDeadLetter { Id = Guid.NewGuid(), SubscriptionId = Guid.Empty, ChangeSequence = sequence, Attempts = 10, LastError = "HTTP 503", DeadAt = answered });
                }
                if (referral.AcceptedAt is not null)
                    loader.Insert(new ReferralRelease
                    {
                        Id = Guid.NewGuid(), ReferralId = referral.Id, OrganisationCode = organisation, ServiceId = referral.ServiceId!.Value,
                        ItemsJson = "[\"identity\",\"contact\"]", WithheldJson = "[]", ProfileVersion = "history", ConsentId = Guid.NewGuid(), ConsentVersion = 1,
                        DecisionId = Guid.NewGuid(), ReleasedBy = "history", ReleasedAt = answered,
                    });
            }
            if ((caseIndex + 1) % 10_000 == 0)
                progress($"  {(caseIndex + 1) * 10:N0} referrals, {loader.Rows:N0} rows, {loader.Rows / clock.Elapsed.TotalSeconds:N0} rows/s");
        }
        // One webhook per agency, caught up with the loaded changes (nothing to deliver until new changes come).
        foreach (var agency in agencies)
            loader.Insert(new WebhookSubscription
            {
                Id = Guid.NewGuid(), AgencyCode = agency, Url = $"https://hooks.example.org/{agency}", SecretProtected = template.RequestHashProtected,
                Active = true, LastSequence = sequence, NextAttemptAt = now, CreatedBy = "history", CreatedAt = first, Version = 1,
            });
        loader.Commit();

        // A sent outbox row and an inbox row per referral, as old as the referral: what the tables would hold if their
        // cleanup never ran. Written in one transaction and counted right after it, so the sweep that deletes them
        // (the dispatcher's cleanup) is seen doing it, not racing the load.
        progress("  sent outbox rows, inbox rows and webhook dead letters, one transaction");
        loader.AutoCommit = false;
        foreach (var letter in deadLetters) loader.Insert(letter);
        for (var i = 0; i < total; i++)
        {
            var created = first + span * ((double)i / total);
            loader.Insert(new InboxMessage { MessageId = Guid.NewGuid(), Consumer = "history", HandledAt = created });
            loader.Insert(new OutboxMessage
            {
                Id = Guid.NewGuid(), Sequence = ++outboxSequence, AggregateId = Guid.NewGuid().ToString(), MessageType = typeof(ReferralStatusChanged).FullName!,
                Body = "{}", CreatedAt = created, SentAt = created, Attempts = 1,
            });
        }
        loader.Commit();
        loader.AutoCommit = true;
        var inboxRows = await loader.ScalarAsync("SELECT COUNT(*) FROM inbox_messages");
        var outboxRows = await loader.ScalarAsync("SELECT COUNT(*) FROM outbox_messages");
        var deadLetterRows = await loader.ScalarAsync("SELECT COUNT(*) FROM webhook_dead_letters");
        progress($"  outbox {outboxRows:N0} rows, inbox {inboxRows:N0} rows, webhook dead letters {deadLetterRows:N0} right after loading");
        var counts = await CountsAsync(hub);
        counts["referrals.db outbox_messages"] = outboxRows;
        counts["referrals.db inbox_messages"] = inboxRows;
        counts["referrals.db webhook_dead_letters"] = deadLetterRows;
        // Rows written around the service: mark their turnaround cells stale, as the TurnaroundRollup migration does for
        // referrals stored before the roll-up (the same statement); the hub's roll-up sweep then computes them.
        await using (var stale = loader.Connection.CreateCommand())
        {
            stale.CommandText = """
                INSERT INTO turnaround_stale_cells ("Cell", "Month")
                SELECT json_array(m, "ServiceType", "OriginAgencyCode", "AreaCode", "Priority"), m
                FROM (SELECT DISTINCT substr("CreatedAt", 1, 7) AS m, "ServiceType", "OriginAgencyCode", "AreaCode", "Priority" FROM referrals) AS cells
                """;
            progress($"  {await stale.ExecuteNonQueryAsync():N0} turnaround cells marked stale");
        }
        progress("  ANALYZE (query planner statistics, as an operator would after a bulk load)");
        await using (var analyze = loader.Connection.CreateCommand())
        {
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync();
        }
        return new Loaded(loader.Rows, inboxRows, outboxRows, firstCase!, counts);
    }

    /// <summary>Submits referrals and tells when each is offered, from the ReferralStatusChanged events (no polling).</summary>
    private sealed class Flow(EmbeddedHubFactory hub, HttpClient referrer)
    {
        private readonly ConcurrentDictionary<Guid, long> _offered = new();
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();
        private HostReceiveEndpointHandle? _handle;

        public Guid LastId { get; private set; }

        public async Task StartAsync()
        {
            var bus = hub.Services.GetRequiredService<IBus>();
            _handle = bus.ConnectReceiveEndpoint($"bench-scale-{Guid.NewGuid():N}", e => e.Handler<ReferralStatusChanged>(c =>
            {
                if (c.Message.Status == ReferralStatuses.Offered && _offered.TryAdd(c.Message.ReferralId, Stopwatch.GetTimestamp())
                    && _waiters.TryRemove(c.Message.ReferralId, out var waiter)) waiter.TrySetResult();
                return Task.CompletedTask;
            }));
            await _handle.Ready;
        }

        public Task StopAsync() => _handle?.StopAsync() ?? Task.CompletedTask;

        /// <summary>Submit → offered, in milliseconds.</summary>
        public async Task<double> SubmitAndWaitAsync(string caseCode)
        {
            var body = new JsonObject
            {
                ["caseCode"] = caseCode, ["priority"] = "medium", ["serviceType"] = "specialised-mhpss", ["areaCode"] = "demo-camp-1",
                ["child"] = new JsonObject { ["firstName"] = "Bench", ["sex"] = "female", ["languages"] = new JsonArray("ar") },
                ["reasonForReferral"] = "Benchmark referral", ["expectedOutcome"] = "Benchmark",
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var started = Stopwatch.GetTimestamp();
            using var response = await referrer.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"submit: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            LastId = id;
            var waiter = _waiters.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (!_offered.ContainsKey(id)) await waiter.Task.WaitAsync(TimeSpan.FromSeconds(120));
            return Stopwatch.GetElapsedTime(started, _offered[id]).TotalMilliseconds;
        }
    }

    /// <summary>The read and write paths whose cost must not grow with the history, each timed over the same samples.</summary>
    private sealed class Measures(Flow flow, HttpClient referrer, HttpClient provider, HttpClient coordinator, EmbeddedHubFactory hub, string[] cases, int samples)
    {
        private static string LastThirtyDaysUrl =>
            $"/api/v1/metrics/turnaround?from={Uri.EscapeDataString(DateTime.UtcNow.AddDays(-30).ToString("o", CultureInfo.InvariantCulture))}";

        /// <summary>Each turnaround report called <paramref name="calls"/> times, untimed (for a profile of them).</summary>
        public async Task TurnaroundCallsAsync(int calls)
        {
            foreach (var url in new[] { LastThirtyDaysUrl, "/api/v1/metrics/turnaround" })
                for (var i = 0; i < calls; i++)
                    using (var response = await coordinator.GetAsync(url)) response.EnsureSuccessStatusCode();
        }

        public async Task<Dictionary<string, LatencySummary>> RunAsync(string phase, string? historyCase = null)
        {
            var results = new Dictionary<string, LatencySummary>();
            var submit = new LatencyRecorder();
            for (var i = 0; i < samples; i++) submit.Add(await flow.SubmitAndWaitAsync(cases[i % cases.Length]));
            results["submit→offered (one at a time)"] = submit.Summary();

            long head;
            await using (var scope = hub.Services.CreateAsyncScope())
                head = await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Changes.Where(c => c.AgencyCode == ReferringAgency).MaxAsync(c => c.Sequence);
            var reads = new (string Name, HttpClient Client, string Url)[]
            {
                ("provider inbox (needs answer)", provider, "/api/v1/inbox?limit=50"),
                ("provider inbox (all, first page)", provider, "/api/v1/inbox?status=all&limit=50"),
                ("change feed (poller 100 behind the head)", referrer, $"/api/v1/referrals/changes?after={head - 100}&limit=100"),
                ("referral list (first page)", referrer, "/api/v1/referrals?limit=50"),
                ("case export (10 referrals)", referrer, $"/api/v1/cases/{ExportCase}/export"),
                ("turnaround metrics (last 30 days)", coordinator, LastThirtyDaysUrl),
                ("turnaround metrics (default: 12 months)", coordinator, "/api/v1/metrics/turnaround"),
            };
            if (historyCase is not null) reads = [.. reads, ("case export of a loaded case (10 referrals)", referrer, $"/api/v1/cases/{historyCase}/export")];
            foreach (var (name, client, url) in reads)
            {
                // The 12-month turnaround reads every referral of the window: fewer samples, it is the slow one.
                // (It reads every referral of the window, seconds per call at a million referrals: three calls after one
                // warm-up, and no more once two minutes are spent on it, so the verb finishes.)
                var slow = name.Contains("12 months", StringComparison.Ordinal);
                var n = slow ? 3 : samples;
                var warmUp = slow ? 1 : 5;
                var latency = new LatencyRecorder();
                var spent = Stopwatch.StartNew();
                for (var i = 0; i < n + warmUp && !(slow && latency.Count > 0 && spent.Elapsed > TimeSpan.FromMinutes(2)); i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.GetAsync(url);
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    if (i >= warmUp) latency.Add(ms); // the first calls warm the query's plan and caches
                }
                results[name] = latency.Summary();
            }
            Console.WriteLine($"  {phase}: " + string.Join("; ", results.Select(r => $"{r.Key} p99 {r.Value.P99:F1} ms")));
            return results;
        }
    }
}
