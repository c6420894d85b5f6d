using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace ReferralHub.Bench.Profiling;

/// <summary>
/// An EventPipe trace of this process over one phase of a bench, taken from inside so that it covers exactly the
/// measured phase and not the start-up; read it with the <c>profile-report</c> verb (or <c>dotnet-trace report FILE topN</c>).
/// Two kinds: CPU sampling (the providers of <c>dotnet-trace collect --profile dotnet-sampled-thread-time</c>: thread
/// stacks ~100 times a second, plus the method rundown that names them) and allocations (the runtime's GC events at
/// verbose level, as <c>--profile gc-verbose</c>: an AllocationTick with its stack about every 100 KB a thread allocates).
/// </summary>
public sealed class CpuTrace : IAsyncDisposable
{
    // Runtime keywords: GC 0x1, Loader 0x8, Jit 0x10 (method load events, so every sampled address has a name).
    private const long GcLoaderJit = 0x1 | 0x8 | 0x10;

    private readonly EventPipeSession _session;
    private readonly Task _copy;
    private readonly string _what;

    private CpuTrace(string path, string what, EventPipeProvider[] providers)
    {
        Path = path;
        _what = what;
        _session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(providers, requestRundown: true);
        _copy = Task.Run(async () =>
        {
            await using var file = File.Create(path);
            await _session.EventStream.CopyToAsync(file);
        });
    }

    public string Path { get; }

    /// <summary>Starts a CPU sampling trace when <paramref name="path"/> is given (the bench's <c>--trace FILE</c> option), else does nothing.</summary>
    public static CpuTrace? StartIf(string? path) => string.IsNullOrEmpty(path) ? null : new CpuTrace(System.IO.Path.GetFullPath(path), "CPU trace",
    [
        new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
        // dotnet-trace's keywords for this profile: loader, JIT and method events so every sampled address has a name.
        new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0x14C14FCCBD),
    ]);

    /// <summary>
    /// Starts an allocation trace when <paramref name="path"/> is given (<c>--alloc-trace FILE</c>): no CPU samples, so
    /// the sampler's own cost is not in it; the AllocationTick's stack says who allocated.
    /// </summary>
    public static CpuTrace? StartAllocationsIf(string? path) => string.IsNullOrEmpty(path) ? null : new CpuTrace(System.IO.Path.GetFullPath(path), "allocation trace",
    [
        new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, GcLoaderJit),
    ]);

    public async ValueTask DisposeAsync()
    {
        _session.Stop();
        await _copy;
        _session.Dispose();
        Console.WriteLine($"\n{_what} of the burst written to {Path} (read it with: profile-report {Path})");
    }
}
