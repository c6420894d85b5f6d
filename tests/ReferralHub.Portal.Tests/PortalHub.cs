using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests;

/// <summary>The embedded hub (Development, demo data) on a real Kestrel port, so a real browser can reach it.</summary>
public class PortalHub : EmbeddedHubFactory
{
    public PortalHub() => UseKestrel(0);

    public Uri BaseAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
}
