using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Hostile;

/// <summary>
/// Kestrel refuses some requests itself (a NUL in the path, a request line or headers over its limits, a malformed
/// header); <c>ServerRefusalBodies</c> gives those answers a problem-details body. Sent over a raw socket so nothing
/// in the client cleans the request up first.
/// </summary>
public sealed class ServerRefusalTests(KestrelHubFactory hub) : IClassFixture<KestrelHubFactory>
{
    public static TheoryData<string, string, int> Requests => new()
    {
        { "NUL in a path segment", "GET /api/v1/referrals/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400 },
        { "request line over 8 KB", $"GET /api/v1/referrals?x={new string('a', 10_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n", 414 },
        { "headers over 32 KB", $"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40_000)}\r\n\r\n", 431 },
        { "a header without a colon", "GET /health HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n", 400 },
        { "an HTTP version the server does not speak (Kestrel's 505)", "GET /api/v1/referrals HTTP/1.2\r\nHost: localhost\r\n\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Kestrels_own_refusals_carry_problem_details(string what, string raw, int status)
    {
        var (head, body) = await SendRawAsync(raw);

        Assert.StartsWith($"HTTP/1.1 {status} ", head);
        Assert.Contains("Content-Type: application/problem+json", head);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), what);
        Assert.DoesNotContain("aaaaaaaaaaaaaaaaaaaa", body);
    }

    public static TheoryData<string, string, int> FhirRequests => new()
    {
        { "request line over 8 KB", $"GET /fhir/Task?x={new string('a', 10_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n", 414 },
        { "headers over 32 KB", $"GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40_000)}\r\n\r\n", 431 },
        { "a header without a colon", "GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nnot a header\r\n\r\n", 400 },
        { "an HTTP version the server does not speak (Kestrel's 505)", "GET /fhir/metadata HTTP/1.2\r\nHost: localhost\r\n\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(FhirRequests))]
    public async Task Under_fhir_kestrels_own_refusals_are_operation_outcomes(string what, string raw, int status)
    {
        var (head, body) = await SendRawAsync(raw);

        Assert.StartsWith($"HTTP/1.1 {status} ", head);
        Assert.Contains("Content-Type: application/fhir+json", head);
        var outcome = JsonDocument.Parse(body).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        var issue = outcome.GetProperty("issue").EnumerateArray().Single();
        Assert.Equal("error", issue.GetProperty("severity").GetString());
        Assert.Equal(what.Contains("505") ? "not-supported" : status == 400 ? "structure" : "too-long", issue.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(issue.GetProperty("diagnostics").GetString()), what);
    }

    [Fact]
    public async Task A_refusal_after_a_fhir_request_on_the_same_connection_answers_for_its_own_path()
    {
        // Keep-alive: a good FHIR request first and its whole answer read, then an oversized REST request line.
        var address = hub.CreateClient().BaseAddress!;
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        var received = new List<byte>();
        var chunk = new byte[8192];
        int headEnd;
        while (true)
        {
            var read = await stream.ReadAsync(chunk);
            Assert.True(read > 0, "the connection closed before the first answer was complete");
            received.AddRange(chunk.AsSpan(0, read).ToArray());
            var text = Encoding.ASCII.GetString([.. received]);
            headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd < 0) continue;
            // The answer is complete at its Content-Length, or (chunked) at the last chunk.
            var header = text[..headEnd].Split("\r\n").SingleOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            if (header is null ? text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)
                : received.Count >= headEnd + 4 + int.Parse(header["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                break;
        }
        Assert.StartsWith("HTTP/1.1 200 ", Encoding.ASCII.GetString([.. received]));

        var (head, body) = await ReadToEndAsync(socket, $"GET /api/v1/referrals?x={new string('a', 10_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 414 ", head);
        Assert.Contains("Content-Type: application/problem+json", head);
        Assert.Equal(414, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_non_ascii_content_type_is_refused_with_problem_details()
    {
        // HttpClient will not send this header; a raw socket will (ServerRefusalTests sends Latin-1 bytes).
        var (head, body) = await SendRawAsync("POST /api/v1/consents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/js\u00f6n\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        var status = int.Parse(head.AsSpan(9, 3));
        Assert.InRange(status, 400, 499);
        Assert.Contains("Content-Type: application/problem+json", head);
        Assert.Equal(status, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Ordinary_answers_pass_through_the_connection_middleware_unchanged()
    {
        var (head, body) = await SendRawAsync("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", head);
        Assert.Contains("Healthy", body);
    }

    [Fact]
    public async Task A_refusal_by_the_app_over_the_socket_is_problem_details_too()
    {
        var (head, body) = await SendRawAsync("GET /api/v1/referrals/%01 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", head);
        Assert.Equal("path", JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().Single().Name);
    }

    private async Task<(string Head, string Body)> SendRawAsync(string raw)
    {
        var address = hub.CreateClient().BaseAddress!;
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        return await ReadToEndAsync(socket, raw);
    }

    /// <summary>Sends <paramref name="raw"/> on an open connection and reads the answer until the server closes it.</summary>
    private static async Task<(string Head, string Body)> ReadToEndAsync(TcpClient socket, string raw)
    {
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(chunk)) > 0) buffer.Write(chunk, 0, read);
        }
        catch (IOException)
        {
            // Kestrel may reset the connection after its answer while our unread request bytes are still queued.
        }
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no HTTP answer: {text}");
        var (head, body) = (text[..split], text[(split + 4)..]);
        return (head, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Unchunk(body) : body);
    }

    private static string Unchunk(string body)
    {
        var result = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd].Split(';')[0], 16);
            if (size == 0) break;
            result.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }
}
