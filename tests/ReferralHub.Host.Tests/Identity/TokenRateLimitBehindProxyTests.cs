using System.Net;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// Behind a reverse proxy the token limit counts per client, not per proxy — but only for proxies the operator named
/// (ForwardedHeaders:KnownProxies): otherwise X-Forwarded-For is ignored and cannot buy a caller a fresh allowance.
/// The hub runs on a real Kestrel socket here, so the connection's address is real (127.0.0.1).
/// </summary>
public static class TokenRateLimitBehindProxy
{
    public static EmbeddedHubFactory Hub(bool proxyKnown)
    {
        var hub = new EmbeddedHubFactory
        {
            Settings = { ["RateLimits:Token:PermitLimit"] = "1", ["RateLimits:Token:WindowSeconds"] = "3600" },
        };
        if (proxyKnown) hub.Settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        hub.UseKestrel(0);
        return hub;
    }

    public static async Task<HttpStatusCode> TokenFromAsync(EmbeddedHubFactory hub, string forwardedFor)
    {
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = "agency-a-system",
                ["client_secret"] = "agency-a-secret",
            }),
        };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}

public sealed class TokenRateLimitBehindAKnownProxyTests : IAsyncLifetime
{
    private readonly EmbeddedHubFactory _hub = TokenRateLimitBehindProxy.Hub(proxyKnown: true);

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Each_forwarded_client_has_its_own_allowance()
    {
        Assert.Equal(HttpStatusCode.OK, await TokenRateLimitBehindProxy.TokenFromAsync(_hub, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await TokenRateLimitBehindProxy.TokenFromAsync(_hub, "203.0.113.1"));

        Assert.Equal(HttpStatusCode.OK, await TokenRateLimitBehindProxy.TokenFromAsync(_hub, "203.0.113.2"));
    }
}

public sealed class TokenRateLimitWithoutAKnownProxyTests : IAsyncLifetime
{
    private readonly EmbeddedHubFactory _hub = TokenRateLimitBehindProxy.Hub(proxyKnown: false);

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_forwarded_address_sent_by_the_caller_is_ignored()
    {
        Assert.Equal(HttpStatusCode.OK, await TokenRateLimitBehindProxy.TokenFromAsync(_hub, "203.0.113.1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, await TokenRateLimitBehindProxy.TokenFromAsync(_hub, "203.0.113.2"));
    }
}
