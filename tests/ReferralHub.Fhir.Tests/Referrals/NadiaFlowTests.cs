using ReferralHub.Fhir.Tests.Support;

namespace ReferralHub.Fhir.Tests.Referrals;

/// <summary>Nadia's referral end to end in FHIR on the embedded hub (the flow: <see cref="FhirFlows.NadiaAsync"/>).</summary>
public sealed class NadiaFlowTests(FhirHub hub) : IClassFixture<FhirHub>
{
    [Fact]
    public async Task Nadia_is_referred_accepted_started_and_completed_through_fhir() => await FhirFlows.NadiaAsync(hub, "FHIR-NADIA");
}
