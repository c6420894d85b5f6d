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
/// have a body). Everything else is copied through unchanged. HTTP/1.x only (plain-text HTTP/2 needs prior knowledge,
/// which Kestrel refuses on these endpoints anyway).
/// </summary>
public static class ServerRefusalBodies
{
    public static ListenOptions UseRefusalBodies(this ListenOptions listen)
    {
        listen.Use(next => async connection =>
        {
            var original = connection.Transport;
            var between = new Pipe(new PipeOptions(useSynchronizationContext: false));
            connection.Transport = new Duplex(original.Input, between.Writer);
            var pump = PumpAsync(between.Reader, original.Output);
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

    private static async Task PumpAsync(PipeReader from, PipeWriter to)
    {
        try
        {
            while (true)
            {
                var result = await from.ReadAsync();
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    if (Rewrite(buffer) is { } replacement) to.Write(replacement);
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
    internal static byte[]? Rewrite(ReadOnlySequence<byte> buffer)
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
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["type"] = Refusals.TypeFor(status),
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        });
        var rewritten = headers.Replace("Content-Length: 0\r\n", $"Content-Length: {body.Length}\r\nContent-Type: application/problem+json\r\n", StringComparison.OrdinalIgnoreCase) + "\r\n";
        return [.. Encoding.ASCII.GetBytes(rewritten), .. body];
    }

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
