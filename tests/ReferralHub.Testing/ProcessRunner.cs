using System.Diagnostics;
using System.Text;

namespace ReferralHub.Testing;

/// <summary>The outcome of a finished process started by <see cref="ProcessRunner"/>.</summary>
public sealed record ProcessResult(
    string FileName,
    IReadOnlyList<string> Arguments,
    int ExitCode,
    string StandardOutput,
    string StandardError,
    TimeSpan Elapsed)
{
    /// <summary>The command line, for messages (arguments with spaces are quoted).</summary>
    public string CommandLine => ProcessRunner.FormatCommandLine(FileName, Arguments);

    /// <summary>True when the process exited with code 0.</summary>
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Thrown when a process exits with a non-zero code, cannot start, or runs past its timeout.</summary>
public sealed class ProcessRunnerException : Exception
{
    public ProcessRunnerException(string message, ProcessResult? result, Exception? innerException = null)
        : base(message, innerException)
    {
        Result = result;
    }

    /// <summary>What the process printed and returned, when it ran at all.</summary>
    public ProcessResult? Result { get; }
}

/// <summary>Runs a command with arguments and environment, captures its output, enforces a timeout.</summary>
public static class ProcessRunner
{
    /// <summary>Used when no timeout is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    // A daemonising child (rabbitmq-server -detached, pg_ctl start) can leave a grandchild holding our pipes;
    // once the process itself has exited, wait at most this long for the pipes to close.
    private static readonly TimeSpan OutputDrainGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> (each passed as one argument, no shell).
    /// <paramref name="environment"/> is added to the current environment; a null value removes a variable.
    /// Throws <see cref="ProcessRunnerException"/> with the captured output when the exit code is not 0
    /// (unless <paramref name="throwOnError"/> is false) or when the timeout passes (the process tree is killed).
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? workingDirectory = null,
        bool throwOnError = true,
        CancellationToken cancellationToken = default)
    {
        var args = arguments.ToList();
        var limit = timeout ?? DefaultTimeout;
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    startInfo.Environment.Remove(key);
                }
                else
                {
                    startInfo.Environment[key] = value;
                }
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception ex)
        {
            throw new ProcessRunnerException(
                $"Could not start `{FormatCommandLine(fileName, args)}`: {ex.Message}", null, ex);
        }

        process.StandardInput.Close();
        var stdoutTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);
        var timedOut = false;
        try
        {
            // Waits for the process itself, not for EOF on its pipes (those are read with ReadToEndAsync).
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited in the meantime.
            }

            if (!timedOut)
            {
                throw;
            }
        }

        var stdout = await DrainAsync(stdoutTask).ConfigureAwait(false);
        var stderr = await DrainAsync(stderrTask).ConfigureAwait(false);
        stopwatch.Stop();

        var result = new ProcessResult(
            fileName, args, timedOut ? -1 : process.ExitCode, stdout, stderr, stopwatch.Elapsed);

        if (timedOut)
        {
            throw new ProcessRunnerException(
                $"`{result.CommandLine}` did not finish within {limit.TotalSeconds:0.#} s and was killed.{FormatOutput(result)}",
                result);
        }

        if (throwOnError && result.ExitCode != 0)
        {
            throw new ProcessRunnerException(
                $"`{result.CommandLine}` exited with code {result.ExitCode}.{FormatOutput(result)}", result);
        }

        return result;
    }

    /// <summary>Shorthand for <see cref="RunAsync(string, IEnumerable{string}, IReadOnlyDictionary{string, string?}?, TimeSpan?, string?, bool, CancellationToken)"/> with default options.</summary>
    public static Task<ProcessResult> RunAsync(string fileName, params string[] arguments) =>
        RunAsync(fileName, (IEnumerable<string>)arguments);

    internal static string FormatCommandLine(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { fileName }.Concat(arguments).Select(Quote));

    private static string Quote(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string FormatOutput(ProcessResult result)
    {
        var builder = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(result.StandardOutput))
        {
            builder.Append("\n--- stdout ---\n").Append(result.StandardOutput.TrimEnd());
        }

        if (!string.IsNullOrWhiteSpace(result.StandardError))
        {
            builder.Append("\n--- stderr ---\n").Append(result.StandardError.TrimEnd());
        }

        return builder.Length == 0 ? " (no output)" : builder.ToString();
    }

    private static async Task<string> DrainAsync(Task<string> readTask)
    {
        try
        {
            return await readTask.WaitAsync(OutputDrainGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "(output still open after the process exited; a detached child holds it)";
        }
    }
}
