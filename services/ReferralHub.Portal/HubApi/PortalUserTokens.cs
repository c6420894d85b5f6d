using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Caching.Memory;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Portal.HubApi;

/// <summary>
/// Access tokens for the signed-in person, from the gateway's portal-user grant (see PortalClient). The request names
/// the person only: the gateway reads their agency, roles and areas from the account store. Cached per person and
/// session claims until a minute before they expire, so a page costs no token round trip most of the time.
/// </summary>
public sealed class PortalUserTokens(
    IHttpClientFactory http,
    HubApiAddress address,
    PortalClientSecret secret,
    IMemoryCache cache,
    TimeProvider clock)
{
    public const string TokenClient = "referralhub-portal-tokens";

    public async Task<string> TokenForAsync(ClaimsPrincipal person, CancellationToken cancellationToken)
    {
        var userId = person.FindFirstValue(HubClaims.Subject) ?? throw new InvalidOperationException("The signed-in person has no id claim.");
        var agency = person.Agency() ?? throw new InvalidOperationException("The signed-in person has no agency.");
        var roles = person.HubRoles();
        var areas = person.FindAll(HubClaims.Area).Select(c => c.Value).Order().ToList();
        var key = $"portal-token:{userId}:{agency}:{string.Join(',', roles)}:{string.Join(',', areas)}";
        if (cache.TryGetValue(key, out string? cached) && cached is not null) return cached;

        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", PortalClient.GrantType),
            new("client_id", PortalClient.ClientId),
            new("client_secret", secret.Required),
            new(PortalClient.UserParameter, userId),
        };

        using var response = await http.CreateClient(TokenClient).PostAsync(new Uri(address.BaseAddress, "connect/token"), new FormUrlEncodedContent(form), cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"The gateway refused the portal's token request ({(int)response.StatusCode}); check Portal:ClientSecret on both.");
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new InvalidOperationException("The gateway answered the token request without a body.");
        var lifetime = TimeSpan.FromSeconds(Math.Max(0, token.ExpiresIn - 60));
        if (lifetime > TimeSpan.Zero) cache.Set(key, token.AccessToken, clock.GetUtcNow() + lifetime);
        return token.AccessToken;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>
/// Where the portal reaches the hub's APIs: <c>Portal:ApiBaseUrl</c> (the gateway, when the portal runs apart), or,
/// inside the embedded host, the host's own address.
/// </summary>
public sealed class HubApiAddress(IConfiguration configuration, IServer server)
{
    private Uri? _resolved;

    public Uri BaseAddress => _resolved ??= Resolve();

    private Uri Resolve()
    {
        if (configuration["Portal:ApiBaseUrl"] is { Length: > 0 } configured) return new Uri(configured.TrimEnd('/') + "/");
        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Set Portal:ApiBaseUrl: the portal cannot tell where the hub's APIs are.");
        // A wildcard listen address is not somewhere to connect to: use loopback.
        own = own.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal);
        return new Uri(own.TrimEnd('/') + "/");
    }
}

/// <summary>Adds the signed-in person's access token to every call a page makes to the hub's APIs.</summary>
internal sealed class PortalUserTokenHandler(IHttpContextAccessor context, PortalUserTokens tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var person = context.HttpContext?.User is { Identity.IsAuthenticated: true } user
            ? user
            : throw new InvalidOperationException("Hub API calls from the portal are made for a signed-in person only.");
        request.Headers.Authorization = new("Bearer", await tokens.TokenForAsync(person, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The hub's APIs as the signed-in person sees them; page models take this and call the services' endpoints.</summary>
public sealed class HubApiClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
}

public static class HubApiRegistration
{
    public static IHostApplicationBuilder AddHubApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PortalInProcess>();
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<HubApiAddress>();
        builder.Services.AddSingleton<PortalUserTokens>();
        builder.Services.AddTransient<PortalUserTokenHandler>();
        builder.Services.AddScoped<DirectoryApi>();
        builder.Services.AddScoped<ReferralsApi>();
        builder.Services.AddScoped<MetricsApi>();
        builder.Services.AddHttpClient(PortalUserTokens.TokenClient);
        builder.Services.AddHttpClient<HubApiClient>((services, client) => client.BaseAddress = services.GetRequiredService<HubApiAddress>().BaseAddress)
            .AddHttpMessageHandler<PortalUserTokenHandler>();
        return builder;
    }
}
