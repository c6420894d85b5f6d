using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>
/// Routing's pre-check for a whole pathway in one request (<see cref="CheckConsentForCandidates"/>): decided per
/// recipient in order exactly as single pre-checks, up to the first decision that is not "recipient not covered";
/// nothing is used up, so the release at acceptance still decides (and uses) the consent.
/// </summary>
public sealed class CandidatesPreCheckTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Recipients_not_covered_are_passed_over_until_the_first_covered_one_and_nothing_is_used_up()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true, organisations: ["agency-d", "agency-e"]));

        var answer = await PreCheckAsync(caseCode, ["agency-b", "agency-c", "agency-d", "agency-e"]);

        Assert.Equal([false, false, true], answer.Decisions.Select(d => d.Permitted));
        Assert.Equal([ConsentDenialReasons.RecipientNotCovered, ConsentDenialReasons.RecipientNotCovered, null], answer.Decisions.Select(d => d.Reason));
        Assert.Equal(3, answer.Decisions.Select(d => d.DecisionId).Distinct().Count());
        // The one-off consent was not used by the pre-check: the release decides and uses it.
        Assert.True((await client.CheckAsync(caseCode, "agency-d", "medical", "referral:1")).Permitted);
        Assert.Equal(ConsentDenialReasons.Used, (await client.CheckAsync(caseCode, "agency-d", "medical", "referral:2")).Reason);
    }

    [Fact]
    public async Task A_denial_that_holds_for_everyone_ends_the_answer()
    {
        var client = await hub.AgencyAAsync();
        var refused = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(refused, ["education-formal"], hub.Clock));

        var none = await PreCheckAsync(ConsentApi.NewCase(), ["agency-b", "agency-d"]);
        var notTicked = await PreCheckAsync(refused, ["agency-b", "agency-d"]);

        Assert.Equal(ConsentDenialReasons.NoConsent, Assert.Single(none.Decisions).Reason);
        Assert.Equal(ConsentDenialReasons.Refused, Assert.Single(notTicked.Decisions).Reason);
    }

    [Fact]
    public async Task Each_recipients_answer_is_the_single_pre_checks_answer()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, organisations: ["agency-d"],
            withholds: [new { item = "caseHistory", organisation = "agency-d", reason = "wants-to-tell-themselves" }]));

        var answer = await PreCheckAsync(caseCode, ["agency-b", "agency-d"]);
        var single = await client.CheckAsync(caseCode, "agency-d", "medical", "referral:7", consume: false);

        var permit = answer.Decisions[^1];
        Assert.True(permit.Permitted);
        Assert.Equal(single.ConsentId, permit.ConsentId);
        Assert.Equal(single.ConsentVersion, permit.ConsentVersion);
        Assert.Equal(single.WithheldItems, permit.WithheldItems);
    }

    private async Task<CandidatesConsentDecision> PreCheckAsync(string caseCode, string[] recipients)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsentForCandidates>>();
        return (await client.GetResponse<CandidatesConsentDecision>(
            new CheckConsentForCandidates("agency-a", caseCode, recipients, "medical", "referral:7", "agency-a-caseworker"))).Message;
    }
}
