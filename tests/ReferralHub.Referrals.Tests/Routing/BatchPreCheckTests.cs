using ReferralHub.Contracts.Consent;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Routing;

/// <summary>
/// New referrals submitted together are routed in batches whose consent pre-checks go to the registry in one request
/// (<see cref="CheckConsentForReferrals"/>): each referral must still get its own case's answer.
/// </summary>
public sealed class BatchPreCheckTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    private readonly HttpClient _referrer = hub.ClientFor("agency-a", Roles.Referrer, Roles.Supervisor);

    [Fact]
    public async Task Referrals_submitted_together_each_get_their_own_cases_consent_answer()
    {
        // Four kinds of consent, interleaved, so every routing batch mixes them.
        FakeConsent?[] kinds = [new FakeConsent(true), null, new FakeConsent(true, Recipients: ["agency-c"]),
            new FakeConsent(false, ConsentDenialReasons.Refused)];
        var submitted = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var code = $"CASE-{Guid.NewGuid():N}"[..20];
            if (kinds[i % 4] is { } consent) hub.World.Consents[code] = consent;
            return (Kind: i % 4, Id: await SubmitOkAsync(_referrer, NadiaReferral(code)));
        }));

        foreach (var (kind, id) in submitted)
        {
            var routed = await WaitForStatusAsync(_referrer, id, "offered", "blocked-consent");
            var seen = (routed.GetProperty("status").GetString(), kind is 0 or 2 ? routed.GetProperty("organisationCode").GetString() : routed.GetProperty("reason").GetString());
            Assert.Equal(kind switch
            {
                0 => ("offered", "agency-b"),
                1 => ("blocked-consent", ConsentDenialReasons.NoConsent),
                2 => ("offered", "agency-c"), // agency-b not covered by this consent: the next service of the pathway
                _ => ("blocked-consent", ConsentDenialReasons.Refused),
            }, seen);
        }
    }
}
