using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Hostile;

/// <summary>
/// The hub on a real Kestrel socket on a free loopback port: Kestrel's own refusals happen, and the FHIR facade can call
/// the REST APIs over HTTP as it does when deployed.
/// </summary>
public sealed class KestrelHubFactory : EmbeddedHubFactory
{
    public KestrelHubFactory() => UseKestrel(0);
}
