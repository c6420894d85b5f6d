using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Referrals.Webhooks;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>
/// A webhook must not turn the hub into a door to its own network (metadata endpoint, databases, admin pages):
/// refused at registration for such an address, and at connection time for a name that resolves to one.
/// </summary>
public sealed class WebhookAddressGuardTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = new();

    public Task InitializeAsync()
    {
        _hub.Settings["Referrals:Webhooks:AllowPrivateNetworks"] = "false"; // as in production
        return _hub.InitializeAsync();
    }

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("https://192.168.1.20:8443/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/latest/meta-data/")]
    [InlineData("https://[::ffff:a9fe:a9fe]/hook")]
    [InlineData("https://[::10.0.0.1]/hook")]
    [InlineData("https://198.18.0.10/hook")]
    [InlineData("https://127.0.0.1/hook")]
    public async Task Registering_a_private_loopback_or_link_local_address_is_refused_naming_the_url(string url)
    {
        var admin = _hub.ClientFor("agency-ssrf", Roles.AgencyAdmin);

        var response = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.GetRawText());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/v1/referrals/webhooks")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_public_address_is_accepted()
    {
        var admin = _hub.ClientFor("agency-public", Roles.AgencyAdmin);
        var response = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://203.0.113.10/hook" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_not_connected_to()
    {
        using var client = new HttpClient(WebhookAddressGuard.CreateHandler(allowPrivateNetworks: false));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://localhost:9/hook", new StringContent("{}")));

        Assert.Contains("refused", error.ToString());
    }

    [Theory]
    [InlineData("8.8.8.8", false)]
    [InlineData("203.0.113.10", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::ffff:10.1.1.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("127.8.8.8", true)]
    [InlineData("198.18.0.1", true)]           // benchmarking 198.18.0.0/15
    [InlineData("198.19.255.254", true)]
    [InlineData("198.20.0.1", false)]
    [InlineData("192.0.0.8", true)]            // IETF protocol assignments
    [InlineData("192.88.99.1", true)]          // 6to4 relay anycast
    [InlineData("255.255.255.255", true)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]   // NAT64 of 169.254.169.254 (metadata)
    [InlineData("64:ff9b::10.0.0.1", true)]
    [InlineData("64:ff9b::8.8.8.8", false)]    // NAT64 of a public address is that public address
    [InlineData("64:ff9b:1::8.8.8.8", true)]   // local-use NAT64
    [InlineData("::169.254.169.254", true)]    // IPv4-compatible (deprecated)
    [InlineData("::8.8.8.8", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("::ffff:0:a9fe:a9fe", true)]   // IPv4-translated
    [InlineData("2002:a9fe:a9fe::1", true)]    // 6to4 of 169.254.169.254
    [InlineData("2002:808:808::1", false)]     // 6to4 of 8.8.8.8
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", true)] // Teredo
    [InlineData("100::1", true)]               // discard-only
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("fec0::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2606:4700::1111", false)]
    public void Address_classification(string address, bool forbidden) =>
        Assert.Equal(forbidden, WebhookAddressGuard.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://localhost:9/hook")]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://[64:ff9b::a9fe:a9fe]/latest/meta-data/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    public async Task Through_an_outbound_proxy_a_forbidden_target_is_refused_before_the_proxy_is_asked(string url)
    {
        using var proxy = new RecordingProxy();
        using var client = new HttpClient(WebhookAddressGuard.CreateHandler(allowPrivateNetworks: false, new WebProxy(proxy.Address)));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(url, new StringContent("{}")));

        Assert.Contains("refused", error.Message);
        Assert.Empty(proxy.RequestLines);
    }

    [Fact]
    public async Task Through_an_outbound_proxy_on_a_private_address_a_public_target_is_delivered()
    {
        using var proxy = new RecordingProxy(); // on loopback: the operator's proxy may sit on a private network
        using var client = new HttpClient(WebhookAddressGuard.CreateHandler(allowPrivateNetworks: false, new WebProxy(proxy.Address)));

        using var response = await client.PostAsync("http://203.0.113.10/hook", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["POST http://203.0.113.10/hook HTTP/1.1"], proxy.RequestLines);
    }

    /// <summary>A plain-HTTP forward proxy on loopback that records each request line and answers 204.</summary>
    private sealed class RecordingProxy : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();

        public RecordingProxy()
        {
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public System.Collections.Concurrent.ConcurrentQueue<string> RequestLines { get; } = new();

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                System.Net.Sockets.TcpClient connection;
                try { connection = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                catch (System.Net.Sockets.SocketException) { return; }
                using (connection)
                {
                    var stream = connection.GetStream();
                    using var reader = new StreamReader(stream, leaveOpen: true);
                    RequestLines.Enqueue(await reader.ReadLineAsync() ?? "");
                    while (!string.IsNullOrEmpty(await reader.ReadLineAsync())) { } // headers; the small body is left unread
                    var answer = "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8.ToArray();
                    await stream.WriteAsync(answer);
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
