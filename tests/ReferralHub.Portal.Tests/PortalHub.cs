using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests;

/// <summary>
/// The embedded hub (Development, demo data) on a real Kestrel port whose address is also the gateway's public
/// address, so a real browser can reach it and sign in at the gateway.
/// </summary>
public class PortalHub : EmbeddedHubFactory
{
    public PortalHub() => UseKestrelOnPublicAddress();

    public Uri BaseAddress => PublicAddress;
}
