using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// <c>/connect/token</c> is limited per client address (RateLimits:Token): over the limit a caller gets 429, Retry-After
/// and the OAuth2 error object, whatever its credentials; the APIs themselves are not limited by it.
/// </summary>
public sealed class TokenRateLimitTests : IAsyncLifetime
{
    private readonly EmbeddedHubFactory _hub = new()
    {
        Settings = { ["RateLimits:Token:PermitLimit"] = "2", ["RateLimits:Token:WindowSeconds"] = "3600" },
    };

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Token_requests_over_the_limit_get_429_with_retry_after_and_the_oauth2_error()
    {
        var token = await _hub.TokenAsync("agency-a-system", "agency-a-secret");
        using var wrongSecret = await _hub.RequestTokenAsync("agency-a-system", "not-the-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode); // counted too: guessing costs the same

        using var refused = await _hub.RequestTokenAsync("agency-a-system", "agency-a-secret");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        Assert.True(refused.Headers.CacheControl?.NoStore);
        var error = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("temporarily_unavailable", error.GetProperty("error").GetString());
        Assert.Contains("retry after", error.GetProperty("error_description").GetString());

        // The token already issued keeps working: the limit is on asking for tokens, not on using them.
        using var api = _hub.CreateClient();
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        for (var call = 0; call < 3; call++)
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);
    }
}
