using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace ReferralHub.Bench.Profiling;

/// <summary>
/// A CPU sampling trace of this process over one phase of a bench (the same EventPipe providers as
/// <c>dotnet-trace collect --profile dotnet-sampled-thread-time</c>: thread stacks ~100 times a second, plus the method
/// rundown that names them). Taken from inside so that it covers exactly the measured phase and not the start-up;
/// read it with the <c>profile-report</c> verb or <c>dotnet-trace report FILE topN</c>.
/// </summary>
public sealed class CpuTrace : IAsyncDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _copy;

    private CpuTrace(string path)
    {
        Path = path;
        var providers = new[]
        {
            new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            // dotnet-trace's keywords for this profile: loader, JIT and method events so every sampled address has a name.
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, 0x14C14FCCBD),
        };
        _session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(providers, requestRundown: true);
        _copy = Task.Run(async () =>
        {
            await using var file = File.Create(path);
            await _session.EventStream.CopyToAsync(file);
        });
    }

    public string Path { get; }

    /// <summary>Starts tracing when <paramref name="path"/> is given (the bench's <c>--trace FILE</c> option), else does nothing.</summary>
    public static CpuTrace? StartIf(string? path) => string.IsNullOrEmpty(path) ? null : new CpuTrace(System.IO.Path.GetFullPath(path));

    public async ValueTask DisposeAsync()
    {
        _session.Stop();
        await _copy;
        _session.Dispose();
        Console.WriteLine($"\nCPU trace of the burst written to {Path} (read it with: profile-report {Path})");
    }
}
