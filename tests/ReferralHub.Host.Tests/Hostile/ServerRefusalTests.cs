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
