using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace ReferralHub.Bench.Profiling;

/// <summary>
/// Reads a CPU sampling trace (<c>referral-flow --trace FILE</c>, or any <c>dotnet-trace collect</c> .nettrace) and
/// tells where the CPU went: samples of threads that were running (a thread parked in a wait, a socket poll or the
/// thread pool's idle semaphore is not time spent), grouped by who owns the innermost interesting frame (EF Core and
/// SQLite, MassTransit, ASP.NET Core, serialization, encryption, logging, our code by slice), then the top methods by
/// exclusive and inclusive samples. A trace with allocation events (<c>referral-flow --alloc-trace FILE</c>, or
/// <c>dotnet-trace collect --profile gc-verbose</c>) gets an allocation view instead: bytes by who allocated, by our call
/// site, by type. Options: FILE, --top N (25), --referrals N (the burst's size, for bytes per referral).
/// </summary>
public sealed class ProfileReportScenario : IBenchScenario
{
    public string Name => "profile-report";

    public string Description => "where the CPU went in a .nettrace: running samples by owner (EF Core/SQLite, MassTransit, ..., our slices), top methods";

    // Leaf frames of a thread that is not using the CPU (blocked in the kernel or parked by the runtime).
    private static readonly string[] WaitLeaves =
    [
        "WaitHandle.Wait", "Monitor.Wait", "LowLevelLifoSemaphore", "LowLevelMonitor", "Thread.Sleep", "WaitForSocketEvents",
        "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "Thread.Join", "Interop+Sys.Read(", "Interop+Sys.Poll", "WaitOneCore",
        "WaitSubsystem", "SpinWait.SpinOnce", "Interop+Sys.ReadStdin", "EventPipeInternal", "ConsolePal",
    ];

    public Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        var file = options.FirstOrDefault(o => !o.StartsWith("--", StringComparison.Ordinal))
            ?? throw new ArgumentException("usage: profile-report FILE.nettrace [--top N]");
        var topIndex = Array.IndexOf(options, "--top");
        var top = topIndex >= 0 && topIndex + 1 < options.Length ? int.Parse(options[topIndex + 1], CultureInfo.InvariantCulture) : 25;
        var referralsIndex = Array.IndexOf(options, "--referrals");
        var referrals = referralsIndex >= 0 && referralsIndex + 1 < options.Length ? int.Parse(options[referralsIndex + 1], CultureInfo.InvariantCulture) : 0;
        // --callers TEXT: the commonest call paths (12 frames out from the first frame containing TEXT) of the running samples.
        var callersIndex = Array.IndexOf(options, "--callers");
        var callersOf = callersIndex >= 0 && callersIndex + 1 < options.Length ? options[callersIndex + 1] : null;
        var callers = new Dictionary<string, int>(StringComparer.Ordinal);

        using var log = TraceLog.OpenOrConvert(TraceLog.CreateFromEventPipeDataFile(file));
        if (!log.Events.Any(e => e.ProviderName == "Microsoft-DotNETCore-SampleProfiler"))
        {
            var allocations = AllocationView(file, log, top, referrals);
            if (allocations.Count == 0) Console.WriteLine($"{file}: neither CPU samples nor allocation ticks in it");
            return Task.FromResult<IReadOnlyList<BenchResult>>(allocations);
        }
        var all = 0;
        var running = 0;
        var byOwner = new Dictionary<string, int>(StringComparer.Ordinal);
        var ourSlicesInclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var waitLeaves = new Dictionary<string, int>(StringComparer.Ordinal);
        double first = double.MaxValue, last = 0;
        var threads = new HashSet<int>();

        foreach (var sample in log.Events.Where(e => e.ProviderName == "Microsoft-DotNETCore-SampleProfiler"))
        {
            var frames = new List<string>();
            for (var frame = sample.CallStack(); frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName;
                frames.Add(string.IsNullOrEmpty(name) ? $"?!{frame.CodeAddress.ModuleName}" : name);
            }
            if (frames.Count == 0) continue;
            all++;
            first = Math.Min(first, sample.TimeStampRelativeMSec);
            last = Math.Max(last, sample.TimeStampRelativeMSec);
            // A thread is parked when one of its few innermost managed frames is a wait (the frames under it are runtime
            // stubs or unresolved native code): the thread pool's idle workers, socket polls, timers. Not time spent.
            var firstResolved = frames.FirstOrDefault(f => !f.StartsWith("?!", StringComparison.Ordinal)) ?? "?";
            var waiting = frames.Take(4).FirstOrDefault(f => WaitLeaves.Any(w => f.Contains(w, StringComparison.Ordinal)))
                ?? (firstResolved.Contains("SocketAsyncEngine.EventLoop", StringComparison.Ordinal)
                    || firstResolved.Contains("WorkerThread.WorkerThreadStart", StringComparison.Ordinal) ? firstResolved : null);
            if (waiting is not null)
            {
                waitLeaves[Short(waiting)] = waitLeaves.GetValueOrDefault(Short(waiting)) + 1;
                continue;
            }
            running++;
            threads.Add(sample.ThreadID);
            exclusive[Short(frames[0])] = exclusive.GetValueOrDefault(Short(frames[0])) + 1;
            foreach (var method in frames.Select(Short).Distinct(StringComparer.Ordinal))
                inclusive[method] = inclusive.GetValueOrDefault(method) + 1;
            var owner = frames.Select(Owner).FirstOrDefault(o => o is not null) ?? "runtime, BCL, unresolved (no owner frame)";
            // The sample profiler sees threads, not CPUs: a thread stopped for a GC or blocked on a lock is on the books
            // but not computing, and inside SQLite's step a thread may be computing, waiting for the write lock (BEGIN
            // IMMEDIATE's busy wait) or syncing the journal (COMMIT). Say which.
            if (frames[0].Contains("PollGCWorker", StringComparison.Ordinal)) owner = "stopped for a garbage collection";
            else if (frames.Take(3).Any(f => f.Contains("Monitor.Enter", StringComparison.Ordinal) || f.Contains("LowLevelSpinWaiter", StringComparison.Ordinal)))
                owner = $"blocked on a .NET lock, in: {owner}";
            else if (owner.StartsWith("SQLite", StringComparison.Ordinal))
            {
                // Only the frames the thread reached synchronously say which SQLite operation it is in: beyond a
                // Task.RunContinuations lies the code whose completion ran this one inline (a transaction's statements
                // run as the continuation of its BeginTransactionAsync, or of the write gate's release), and counting
                // those frames put statements and commits under "BEGIN" (until session 16).
                var synchronous = frames.TakeWhile(f => !f.Contains("System.Threading.Tasks.Task.RunContinuations", StringComparison.Ordinal)).ToList();
                owner = (synchronous.Any(f => f.Contains("BeginTransaction", StringComparison.Ordinal)) ? "SQLite: BEGIN (waiting for the write lock)"
                    : synchronous.Any(f => f.Contains(".Commit", StringComparison.Ordinal)) ? "SQLite: COMMIT (journal write and sync)"
                    : synchronous.Any(f => f.Contains("SaveChanges", StringComparison.Ordinal)) ? "SQLite: statements of SaveChanges (writes)"
                    : "SQLite: statements of queries (reads), connection open")
                    + $", under {frames.Select(Slice).FirstOrDefault(x => x is not null && !x.StartsWith("ReferralHub.Hosting", StringComparison.Ordinal)) ?? "hosting"}";
            }
            byOwner[owner] = byOwner.GetValueOrDefault(owner) + 1;
            if (callersOf is not null && frames.FindIndex(f => f.Contains(callersOf, StringComparison.Ordinal)) is var at and >= 0)
            {
                var path = string.Join("\n    <- ", frames.Skip(at).Take(12).Select(Short));
                callers[path] = callers.GetValueOrDefault(path) + 1;
            }
            foreach (var slice in frames.Select(Slice).OfType<string>().Distinct(StringComparer.Ordinal))
                ourSlicesInclusive[slice] = ourSlicesInclusive.GetValueOrDefault(slice) + 1;
        }

        string Pct(int n) => running == 0 ? "0" : (100.0 * n / running).ToString("F1", CultureInfo.InvariantCulture);
        var seconds = (last - first) / 1000;
        Console.WriteLine($"\n{file}: {all} thread samples over {seconds:F1} s; {running} of threads at work ({threads.Count} threads), {all - running} parked");
        Console.WriteLine($"(a thread is sampled ~100 times a second: {Environment.ProcessorCount} cores give at most ~{Environment.ProcessorCount * seconds * 100:F0} samples of computing in this window)\n");
        int Sum(Func<string, bool> which) => byOwner.Where(p => which(p.Key)).Sum(p => p.Value);
        var gc = Sum(o => o.StartsWith("stopped for a garbage", StringComparison.Ordinal));
        var locks = Sum(o => o.StartsWith("blocked on a .NET lock", StringComparison.Ordinal));
        var begin = Sum(o => o.StartsWith("SQLite: BEGIN", StringComparison.Ordinal));
        var commit = Sum(o => o.StartsWith("SQLite: COMMIT", StringComparison.Ordinal));
        var statements = Sum(o => o.StartsWith("SQLite: statements", StringComparison.Ordinal));
        Console.WriteLine($"summary of threads at work: {Pct(gc)} % stopped for a GC, {Pct(locks)} % blocked on a .NET lock, {Pct(begin)} % waiting in SQLite's BEGIN, " +
            $"{Pct(commit)} % in SQLite's COMMIT, {Pct(statements)} % in SQLite statements, {Pct(running - gc - locks - begin - commit - statements)} % in managed code (EF Core, MassTransit, ours, ...)\n");
        Console.WriteLine("| where threads at work were (owner of the innermost interesting frame) | samples | % |\n|---|---:|---:|");
        foreach (var (owner, n) in byOwner.OrderByDescending(p => p.Value)) Console.WriteLine($"| {owner} | {n} | {Pct(n)} |");
        Console.WriteLine("\n| our code, by slice (inclusive: the slice is on the stack) | running samples | % |\n|---|---:|---:|");
        foreach (var (slice, n) in ourSlicesInclusive.OrderByDescending(p => p.Value).Take(top)) Console.WriteLine($"| {slice} | {n} | {Pct(n)} |");
        Console.WriteLine($"\n| top {top} methods, exclusive | samples | % |\n|---|---:|---:|");
        foreach (var (m, n) in exclusive.OrderByDescending(p => p.Value).Take(top)) Console.WriteLine($"| {Cell(m)} | {n} | {Pct(n)} |");
        Console.WriteLine($"\n| top {top} methods, inclusive (ours and libraries', not the thread pool's plumbing) | samples | % |\n|---|---:|---:|");
        foreach (var (m, n) in inclusive.Where(p => !Plumbing(p.Key)).OrderByDescending(p => p.Value).Take(top)) Console.WriteLine($"| {Cell(m)} | {n} | {Pct(n)} |");
        Console.WriteLine("\n| waiting samples, by the wait | samples |\n|---|---:|");
        foreach (var (m, n) in waitLeaves.OrderByDescending(p => p.Value).Take(8)) Console.WriteLine($"| {Cell(m)} | {n} |");
        if (callersOf is not null)
        {
            Console.WriteLine($"\ncommonest paths to '{callersOf}' ({callers.Values.Sum()} running samples):");
            foreach (var (path, n) in callers.OrderByDescending(p => p.Value).Take(top)) Console.WriteLine($"{n} samples:\n    {path}");
        }


        IReadOnlyList<BenchResult> results =
        [
            .. byOwner.OrderByDescending(p => p.Value).Select(p => new BenchResult($"owner: {p.Key}", p.Value, 0, new LatencySummary(0, 0, 0, 0),
                new Dictionary<string, string> { ["% of running samples"] = Pct(p.Value) })),
            .. ourSlicesInclusive.OrderByDescending(p => p.Value).Take(top).Select(p => new BenchResult($"slice (inclusive): {p.Key}", p.Value, 0,
                new LatencySummary(0, 0, 0, 0), new Dictionary<string, string> { ["% of running samples"] = Pct(p.Value) })),
        ];
        return Task.FromResult(results);
    }

    /// <summary>
    /// The allocation view of a trace with the runtime's AllocationTick events (<c>referral-flow --alloc-trace FILE</c>,
    /// or <c>dotnet-trace collect --profile gc-verbose</c>): each tick stands for the ~100 KB a thread allocated since
    /// the last one and carries the stack of the allocation that crossed the mark, so summing the ticks' amounts by
    /// stack is a sample of who allocates, by bytes. Also the collections and the time the runtime was suspended for them.
    /// </summary>
    private static List<BenchResult> AllocationView(string file, TraceLog log, int top, int referrals)
    {
        long total = 0;
        var ticks = 0;
        double first = double.MaxValue, last = 0;
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var byOwner = new Dictionary<string, long>(StringComparer.Ordinal);
        var byAllocator = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySite = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySlice = new Dictionary<string, long>(StringComparer.Ordinal);
        var collections = new int[3];
        double suspendedMs = 0, suspendStart = -1;

        var source = log.Events.GetSource();
        source.Clr.GCAllocationTick += tick =>
        {
            var frames = new List<string>();
            for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
            {
                var name = frame.CodeAddress.FullMethodName;
                if (!string.IsNullOrEmpty(name)) frames.Add(name);
            }
            var bytes = tick.AllocationAmount64;
            ticks++;
            total += bytes;
            first = Math.Min(first, tick.TimeStampRelativeMSec);
            last = Math.Max(last, tick.TimeStampRelativeMSec);
            Add(byType, string.IsNullOrEmpty(tick.TypeName) ? "?" : tick.TypeName, bytes);
            var owner = frames.Select(Owner).FirstOrDefault(o => o is not null) ?? "runtime, BCL, unresolved (no owner frame)";
            Add(byOwner, owner, bytes);
            // The innermost named frame that is not the BCL's: the method whose work allocated (EF Core's, MassTransit's, ours).
            Add(byAllocator, Short(frames.FirstOrDefault(f => Owner(f) is not null) ?? frames.FirstOrDefault() ?? "?"), bytes);
            // Our innermost frame: the call site in our code that the allocation happened under, and whose library did it.
            var ours = frames.FirstOrDefault(f => f.StartsWith("ReferralHub.", StringComparison.Ordinal) && !f.StartsWith("ReferralHub.Bench", StringComparison.Ordinal));
            Add(bySite, ours is null ? $"(no frame of ours) → {owner}" : $"{Short(ours)} → {(owner.StartsWith("ours", StringComparison.Ordinal) ? "our own code" : owner)}", bytes);
            foreach (var slice in frames.Select(Slice).OfType<string>().Distinct(StringComparer.Ordinal)) Add(bySlice, slice, bytes);
        };
        source.Clr.GCStart += gc =>
        {
            if (gc.Depth is >= 0 and < 3) collections[gc.Depth]++;
        };
        source.Clr.GCSuspendEEStart += e => suspendStart = e.TimeStampRelativeMSec;
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspendStart >= 0) suspendedMs += e.TimeStampRelativeMSec - suspendStart;
            suspendStart = -1;
        };
        source.Process();
        if (ticks == 0) return [];

        var seconds = (last - first) / 1000;
        string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);
        string Pct(long bytes) => (100.0 * bytes / total).ToString("F1", CultureInfo.InvariantCulture);
        var per = referrals > 0 ? $", {(total / 1024.0 / referrals).ToString("F0", CultureInfo.InvariantCulture)} KB per referral (--referrals {referrals})" : "";
        Console.WriteLine($"\n{file}: {ticks} allocation ticks over {seconds:F1} s ≈ {Mb(total)} MB allocated ({(total / 1048576.0 / Math.Max(seconds, 0.001)).ToString("F0", CultureInfo.InvariantCulture)} MB/s){per}");
        Console.WriteLine($"collections: gen0 {collections[0]}, gen1 {collections[1]}, gen2 {collections[2]}; runtime suspended for them {suspendedMs:F0} ms ({(100 * suspendedMs / Math.Max(last - first, 1)).ToString("F1", CultureInfo.InvariantCulture)} % of the window)\n");
        void Table(string title, Dictionary<string, long> rows)
        {
            Console.WriteLine($"| {title} | MB | % |\n|---|---:|---:|");
            foreach (var (key, bytes) in rows.OrderByDescending(p => p.Value).Take(top)) Console.WriteLine($"| {Cell(key)} | {Mb(bytes)} | {Pct(bytes)} |");
            Console.WriteLine();
        }
        Table("allocated by (owner of the innermost interesting frame)", byOwner);
        Table("our call site (innermost frame of ours) → who allocated under it", bySite);
        Table("our code, by slice (inclusive: the slice is on the stack)", bySlice);
        Table($"top {top} allocating methods (innermost named frame outside the BCL)", byAllocator);
        Table($"top {top} types", byType);

        return
        [
            new BenchResult("allocations: total sampled", ticks, seconds, new LatencySummary(0, 0, 0, 0),
                new Dictionary<string, string> { ["MB"] = Mb(total), ["gen0/gen1/gen2"] = $"{collections[0]}/{collections[1]}/{collections[2]}", ["suspended ms"] = suspendedMs.ToString("F0", CultureInfo.InvariantCulture) }),
            .. bySite.OrderByDescending(p => p.Value).Take(top).Select(p => new BenchResult($"allocation site: {p.Key}", 0, 0, new LatencySummary(0, 0, 0, 0),
                new Dictionary<string, string> { ["MB"] = Mb(p.Value), ["%"] = Pct(p.Value) })),
        ];
    }

    private static void Add(Dictionary<string, long> totals, string key, long bytes) => totals[key] = totals.GetValueOrDefault(key) + bytes;

    /// <summary>Who owns a frame, for the grouping; null for the runtime and BCL plumbing in between.</summary>
    private static string? Owner(string frame) => frame switch
    {
        _ when frame.StartsWith("ReferralHub.Bench", StringComparison.Ordinal) => "bench (load generator)",
        _ when frame.StartsWith("ReferralHub.", StringComparison.Ordinal) => $"ours: {Slice(frame)}",
        _ when frame.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal) || frame.StartsWith("SQLitePCL", StringComparison.Ordinal) => "SQLite (Microsoft.Data.Sqlite, native)",
        _ when frame.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) || frame.StartsWith("Npgsql", StringComparison.Ordinal) => "EF Core (queries, change tracking, SaveChanges)",
        _ when frame.StartsWith("MassTransit", StringComparison.Ordinal) => "MassTransit",
        _ when frame.StartsWith("System.Text.Json", StringComparison.Ordinal) => "serialization (System.Text.Json)",
        _ when frame.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal) || frame.StartsWith("System.Security.Cryptography", StringComparison.Ordinal)
            || frame.StartsWith("Microsoft.AspNetCore.Cryptography", StringComparison.Ordinal) => "encryption, hashing (Data Protection, crypto)",
        _ when frame.StartsWith("Microsoft.Extensions.Logging", StringComparison.Ordinal) || frame.StartsWith("Serilog", StringComparison.Ordinal) => "logging",
        _ when frame.StartsWith("OpenIddict", StringComparison.Ordinal) || frame.StartsWith("Microsoft.IdentityModel", StringComparison.Ordinal)
            || frame.StartsWith("System.IdentityModel", StringComparison.Ordinal) => "tokens (OpenIddict, JWT)",
        _ when frame.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) => "ASP.NET Core (routing, MVC, Razor, auth)",
        _ when frame.StartsWith("System.Net.Http", StringComparison.Ordinal) => "HTTP client (bench and webhooks)",
        _ when frame.StartsWith("Microsoft.Extensions.DependencyInjection", StringComparison.Ordinal) => "dependency injection",
        _ when frame.StartsWith("OpenTelemetry", StringComparison.Ordinal) || frame.StartsWith("System.Diagnostics.DiagnosticSource", StringComparison.Ordinal) => "telemetry",
        _ => null,
    };

    /// <summary>Our code's slice: ReferralHub.&lt;Service&gt;.&lt;Feature folder&gt; (e.g. ReferralHub.Referrals.Routing).</summary>
    private static string? Slice(string frame)
    {
        if (!frame.StartsWith("ReferralHub.", StringComparison.Ordinal) || frame.StartsWith("ReferralHub.Bench", StringComparison.Ordinal)) return null;
        var parts = frame.Split('(')[0].Split('+')[0].Split('.');
        return string.Join('.', parts.Take(Math.Min(3, parts.Length - 2 > 1 ? 3 : 2)));
    }

    private static bool Plumbing(string method) =>
        method.StartsWith("System.Threading.", StringComparison.Ordinal) || method.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)
        || method.StartsWith("?!", StringComparison.Ordinal) || method.StartsWith("System.Private.CoreLib", StringComparison.Ordinal);

    // Method names without their parameter lists: a table cell, not a signature.
    private static string Short(string frame) => frame.Split('(')[0];

    private static string Cell(string method) => method.Replace("|", "\\|", StringComparison.Ordinal);
}
