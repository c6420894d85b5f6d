using System.Diagnostics;
using DotNet.Testcontainers.Configurations;

namespace ReferralHub.Testing;

/// <summary>Small helpers shared by the server fixtures: executables, users, Docker probing, temp dirs.</summary>
public static class HostTools
{
    private static readonly Lazy<Task<DockerProbeResult>> DockerProbe = new(ProbeDockerAsync);

    /// <summary>True when this process runs as root (servers are then run as their own service user).</summary>
    public static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>The full path of <paramref name="name"/> on PATH, else in <paramref name="extraDirectories"/>, else null.</summary>
    public static string? FindExecutable(string name, params IEnumerable<string> extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(extraDirectories);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>/usr/lib/postgresql/*/bin, newest major version first.</summary>
    public static IEnumerable<string> PostgresBinDirectories()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return [];
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: d, Version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "bin"))
            .Where(Directory.Exists);
    }

    /// <summary>
    /// Whether a Docker engine answers, decided once per test run and within about 3 s: a cheap look for any
    /// endpoint (DOCKER_HOST, a docker.sock, Testcontainers properties), then Testcontainers' own endpoint
    /// discovery, which pings the engine.
    /// </summary>
    public static Task<DockerProbeResult> IsDockerAvailableAsync() => DockerProbe.Value;

    /// <summary>A fresh directory under the temp folder, owned by <paramref name="owner"/> when running as root.</summary>
    public static async Task<string> CreateTempDirectoryAsync(string prefix, string? owner)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        if (owner is not null && IsRoot)
        {
            await ProcessRunner.RunAsync("chown", [owner, directory], timeout: TimeSpan.FromSeconds(10))
                .ConfigureAwait(false);
        }

        return directory;
    }

    /// <summary>Chowns a path recursively when running as root (no-op otherwise).</summary>
    public static async Task ChownRecursiveAsync(string owner, string path)
    {
        if (IsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["-R", owner, path], timeout: TimeSpan.FromSeconds(10))
                .ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a directory tree, retrying briefly; never throws.</summary>
    public static async Task TryDeleteDirectoryAsync(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }

                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Task.Delay(200).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads a pid from the first line of a pid file (null when missing or unreadable).</summary>
    public static int? ReadPidFile(string path)
    {
        try
        {
            return File.Exists(path)
                && int.TryParse(File.ReadLines(path).FirstOrDefault()?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>True while the process runs (a zombie waiting to be reaped counts as gone).</summary>
    public static bool IsProcessAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (Directory.Exists("/proc/self"))
        {
            try
            {
                var text = File.ReadAllText(stat);
                var state = text[(text.LastIndexOf(')') + 2)..].FirstOrDefault();
                return state is not ('Z' or 'X');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Waits until the process is gone, killing it (and its children) after <paramref name="grace"/>.</summary>
    public static async Task EnsureExitedAsync(int pid, TimeSpan grace)
    {
        var stopwatch = Stopwatch.StartNew();
        while (IsProcessAlive(pid) && stopwatch.Elapsed < grace)
        {
            await Task.Delay(50).ConfigureAwait(false);
        }

        if (IsProcessAlive(pid))
        {
            TryKill(pid);
        }
    }

    /// <summary>Kills a process by id if it is still running; never throws.</summary>
    public static void TryKill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Not running (any more).
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of every file under <paramref name="directory"/> matching the pattern.</summary>
    public static string TailFiles(string directory, string pattern, int lines = 30)
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                return string.Empty;
            }

            var parts = Directory.EnumerateFiles(directory, pattern, SearchOption.AllDirectories)
                .Select(f => $"\n--- {f} (tail) ---\n" + string.Join('\n', File.ReadLines(f).TakeLast(lines)));
            return string.Concat(parts);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"\n(could not read logs under {directory}: {ex.Message})";
        }
    }

    private static bool IsExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        try
        {
            return (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static async Task<DockerProbeResult> ProbeDockerAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await ProbeDockerCoreAsync().ConfigureAwait(false);
        return result with { Description = $"{result.Description} (checked in {stopwatch.ElapsedMilliseconds} ms)" };
    }

    private static async Task<DockerProbeResult> ProbeDockerCoreAsync()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
        {
            candidates.Add("DOCKER_HOST=" + Environment.GetEnvironmentVariable("DOCKER_HOST"));
        }

        var sockets = new[]
        {
            "/var/run/docker.sock",
            Path.Combine(home, ".docker", "run", "docker.sock"),
            Path.Combine(home, ".docker", "desktop", "docker.sock"),
            Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } xdg ? Path.Combine(xdg, "docker.sock") : null,
        };
        candidates.AddRange(sockets.Where(s => s is not null && File.Exists(s))!);
        var properties = Path.Combine(home, ".testcontainers.properties");
        if (File.Exists(properties))
        {
            candidates.Add(properties);
        }

        if (candidates.Count == 0)
        {
            return new DockerProbeResult(false, "no Docker endpoint (DOCKER_HOST unset, no docker.sock, no ~/.testcontainers.properties)");
        }

        try
        {
            // Testcontainers resolves (and pings) the endpoint in its static initialiser; bound it to ~3 s.
            var config = await Task.Run(() => TestcontainersSettings.OS.DockerEndpointAuthConfig)
                .WaitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            return config is null
                ? new DockerProbeResult(false, $"no Docker engine answered ({string.Join(", ", candidates)})")
                : new DockerProbeResult(true, $"Docker engine at {config.Endpoint}");
        }
        catch (TimeoutException)
        {
            return new DockerProbeResult(false, $"Docker endpoint did not answer within 3 s ({string.Join(", ", candidates)})");
        }
        catch (Exception ex)
        {
            return new DockerProbeResult(false, $"Docker endpoint check failed: {ex.GetType().Name}: {ex.Message}");
        }
    }
}

/// <summary>Result of the one-per-run Docker check.</summary>
public sealed record DockerProbeResult(bool Available, string Description);
