using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Portal.HubApi;

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

/// <summary>
/// Adds the signed-in person's own access token to every call a page makes to the hub's APIs: the token the gateway
/// issued at sign-in, kept in the portal's session cookie and refreshed before it expires (PortalSessionCheck).
/// </summary>
internal sealed class PortalUserTokenHandler(IHttpContextAccessor context) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var http = context.HttpContext ?? throw new InvalidOperationException("Hub API calls from the portal are made for a signed-in person only.");
        var token = await http.GetTokenAsync(ReferralHub.Portal.Accounts.PortalSignIn.Scheme, "access_token")
            ?? throw new InvalidOperationException("Hub API calls from the portal are made for a signed-in person only.");
        request.Headers.Authorization = new("Bearer", token);
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
        builder.Services.AddTransient<PortalUserTokenHandler>();
        builder.Services.AddScoped<DirectoryApi>();
        builder.Services.AddScoped<ReferralsApi>();
        builder.Services.AddScoped<MetricsApi>();
        builder.Services.AddHttpClient<HubApiClient>((services, client) => client.BaseAddress = services.GetRequiredService<HubApiAddress>().BaseAddress)
            .AddHttpMessageHandler<PortalUserTokenHandler>();
        return builder;
    }
}
