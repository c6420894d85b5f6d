using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Kestrel answers requests it cannot parse (a NUL in the path, a request line over its limit (414), headers over
/// theirs (431), a malformed header, an unknown HTTP version) itself, before any middleware runs, with an empty body;
/// its maintainers say this response cannot be customised. This connection middleware sits between Kestrel and the
/// socket and gives exactly those answers a problem-details body: a response whose whole write is a status line
/// 4xx/505 with <c>Content-Length: 0</c> and <c>Connection: close</c> (Kestrel's shape; the hub's own refusals always
/// have a body). Kestrel's 505 for an unknown HTTP version becomes a 400: it is the client's request that is wrong. Everything else is copied through unchanged. HTTP/1.x only (plain-text HTTP/2 needs prior knowledge,
/// which Kestrel refuses on these endpoints anyway). Under <c>/fhir</c> the body is a FHIR <c>OperationOutcome</c>
/// (application/fhir+json) instead, as every other FHIR error: the connection's input is watched (without copying) for
/// the start of each request line, so the refusal knows whether the request it answers was for <c>/fhir</c>.
/// </summary>
public static class ServerRefusalBodies
{
    public static ListenOptions UseRefusalBodies(this ListenOptions listen)
    {
        listen.Use(next => async connection =>
        {
            var original = connection.Transport;
            var between = new Pipe(new PipeOptions(useSynchronizationContext: false));
            var input = new RequestStartReader(original.Input);
            connection.Transport = new Duplex(input, between.Writer);
            var pump = PumpAsync(between.Reader, original.Output, input);
            try
            {
                await next(connection);
            }
            finally
            {
                await between.Writer.CompleteAsync();
                await pump;
                connection.Transport = original;
            }
        });
        return listen;
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    private static async Task PumpAsync(PipeReader from, PipeWriter to, RequestStartReader input)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync();
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    if (Rewrite(buffer, input.LastRequestIsFhir) is { } replacement) to.Write(replacement);
                    else foreach (var segment in buffer) to.Write(segment.Span);
                    var flushed = await to.FlushAsync();
                    from.AdvanceTo(buffer.End);
                    if (flushed.IsCompleted) break; // the socket is gone
                }
                else from.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer went away; Kestrel sees the same through its own reads.
        }
        finally
        {
            await from.CompleteAsync();
            await to.CompleteAsync();
        }
    }

    private static readonly byte[] EndOfHeaders = "\r\n\r\n"u8.ToArray();

    /// <summary>The response with a body, when <paramref name="buffer"/> is exactly one of Kestrel's bare refusals.</summary>
    internal static byte[]? Rewrite(ReadOnlySequence<byte> buffer, bool fhir = false)
    {
        if (buffer.Length is < 40 or > 4096) return null;
        var text = Encoding.ASCII.GetString(buffer.ToArray());
        if (!(text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.StartsWith("HTTP/1.0 ", StringComparison.Ordinal))) return null;
        if (!int.TryParse(text.AsSpan(9, 3), out var status) || !(status is >= 400 and < 500 || status == 505)) return null;
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0 || end + EndOfHeaders.Length != text.Length) return null;
        var headers = text[..(end + 2)];
        if (!headers.Contains("\r\nContent-Length: 0\r\n", StringComparison.OrdinalIgnoreCase)
            || !headers.Contains("\r\nConnection: close\r\n", StringComparison.OrdinalIgnoreCase)
            || headers.Contains("\r\nContent-Type:", StringComparison.OrdinalIgnoreCase))
            return null;

        var (title, detail) = Describe(status);
        // An HTTP version Kestrel does not speak is the client's error, and nothing a client sends gets a 5xx here.
        var refused = status;
        if (status == 505)
        {
            var lineEnd = headers.IndexOf("\r\n", StringComparison.Ordinal);
            headers = headers[..9] + "400 Bad Request" + headers[lineEnd..];
            status = 400;
        }
        var body = fhir
            ? JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["resourceType"] = "OperationOutcome",
                ["issue"] = new[] { new Dictionary<string, string> { ["severity"] = "error", ["code"] = IssueCode(refused), ["diagnostics"] = $"{title} {detail}" } },
            })
            : JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["type"] = Refusals.TypeFor(status),
                ["title"] = title,
                ["status"] = status,
                ["detail"] = detail,
            });
        var mediaType = fhir ? "application/fhir+json" : "application/problem+json";
        var rewritten = headers.Replace("Content-Length: 0\r\n", $"Content-Length: {body.Length}\r\nContent-Type: {mediaType}\r\n", StringComparison.OrdinalIgnoreCase) + "\r\n";
        return [.. Encoding.ASCII.GetBytes(rewritten), .. body];
    }

    /// <summary>The FHIR issue type (R4 issue-type value set) of a refusal.</summary>
    private static string IssueCode(int status) => status switch
    {
        413 or 414 or 431 => "too-long",
        408 => "timeout",
        505 => "not-supported",
        _ => "structure",
    };

    private static (string Title, string Detail) Describe(int status) => status switch
    {
        408 => ("Request timeout.", "The request's headers did not arrive in time."),
        411 => ("Length required.", "A body needs Content-Length or chunked transfer encoding."),
        413 => ("The request body is too large.", "The body is over the server's limit."),
        414 => ("The URL is too long.", $"The request line may be at most {new KestrelServerLimits().MaxRequestLineSize} bytes."),
        431 => ("The request headers are too large.", $"At most {new KestrelServerLimits().MaxRequestHeaderCount} headers and {new KestrelServerLimits().MaxRequestHeadersTotalSize} bytes in all."),
        505 => ("HTTP version not supported.", "Use HTTP/1.1."),
        _ => ("The request could not be read.", "The request line or a header is not valid HTTP (for example a NUL or control character in the path)."),
    };
}

/// <summary>
/// Passes Kestrel's reads through unchanged and notes whether the latest request line is for a <c>/fhir</c> path.
/// Kestrel parses each request line from the start of its unconsumed input, so every request line begins some read
/// buffer; a buffer that does not start like a request line (a header, a body chunk) leaves the note as it is. Only the
/// choice of error body depends on it.
/// </summary>
internal sealed class RequestStartReader(PipeReader inner) : PipeReader
{
    private volatile bool _fhir;

    public bool LastRequestIsFhir => _fhir;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => Observe(await inner.ReadAsync(cancellationToken));

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result)) return false;
        result = Observe(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private ReadResult Observe(ReadResult result)
    {
        if (!result.Buffer.IsEmpty)
        {
            Span<byte> start = stackalloc byte[32];
            var length = (int)Math.Min(result.Buffer.Length, start.Length);
            result.Buffer.Slice(0, length).CopyTo(start);
            if (RequestLineTarget(start[..length]) is { } fhir) _fhir = fhir;
        }
        return result;
    }

    /// <summary>For "METHOD /path": whether the path is /fhir or under it; null when the bytes are not a request line.</summary>
    internal static bool? RequestLineTarget(ReadOnlySpan<byte> start)
    {
        var space = start.IndexOf((byte)' ');
        if (space is <= 0 or > 16) return null;
        foreach (var b in start[..space])
            if (b is < (byte)'A' or > (byte)'Z') return null;
        var path = start[(space + 1)..];
        if (path.Length == 0 || path[0] != (byte)'/') return null;
        return path.StartsWith("/fhir"u8) && (path.Length == 5 || path[5] is (byte)'/' or (byte)'?' or (byte)' ');
    }
}
