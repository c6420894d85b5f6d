using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>Every permit and every deny reason of the decision table (docs/consent.md), through POST /api/v1/consents/check.</summary>
public sealed class DecisionTableTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task A_consent_for_a_period_permits_a_service_type_its_category_covers()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        var recorded = await client.RecordAsync(ConsentApi.Consent(caseCode, ["psychosocial-support"], hub.Clock));

        var decision = await client.CheckAsync(caseCode, "agency-b", "basic-psychosocial-support", "referral:1");

        Assert.True(decision.Permitted);
        Assert.Null(decision.Reason);
        Assert.Equal(recorded.GetProperty("consentId").GetGuid(), decision.ConsentId);
        Assert.Equal(1, decision.ConsentVersion);
        Assert.Null(decision.OverrideId);
        Assert.Empty(decision.WithheldItems);
    }

    [Fact]
    public async Task A_period_consent_permits_any_number_of_releases_until_it_ends()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));

        Assert.True((await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1")).Permitted);
        Assert.True((await client.CheckAsync(caseCode, "agency-d", "medical", "referral:2")).Permitted);
    }

    [Theory]
    [InlineData("case-transfer")]
    [InlineData("case-management")]
    public async Task Case_transfer_consent_permits_a_transfer(string purpose)
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["case-transfer"], hub.Clock));

        Assert.True((await client.CheckAsync(caseCode, "agency-b", purpose, "transfer:1")).Permitted);
    }

    [Fact]
    public async Task Consent_for_services_does_not_permit_a_transfer()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["psychosocial-support", "medical"], hub.Clock));

        var decision = await client.CheckAsync(caseCode, "agency-b", "case-transfer", "transfer:1");

        Assert.False(decision.Permitted);
        Assert.Equal(ConsentDenialReasons.Refused, decision.Reason);
    }

    [Fact]
    public async Task No_consent_recorded_denies_with_no_consent()
    {
        var client = await hub.AgencyAAsync();

        var decision = await client.CheckAsync(ConsentApi.NewCase(), "agency-b", "medical", "referral:1");

        Assert.False(decision.Permitted);
        Assert.Equal(ConsentDenialReasons.NoConsent, decision.Reason);
        Assert.Null(decision.ConsentId);
    }

    [Fact]
    public async Task A_service_type_whose_category_was_not_ticked_is_refused()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["psychosocial-support"], hub.Clock));

        // Focused MHPSS needs the stricter "mental health" box, not "psychosocial support".
        var decision = await client.CheckAsync(caseCode, "agency-b", "focused-non-specialised-mhpss", "referral:1");

        Assert.False(decision.Permitted);
        Assert.Equal(ConsentDenialReasons.Refused, decision.Reason);
    }

    [Fact]
    public async Task A_consent_limited_to_named_organisations_does_not_cover_another()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, organisations: ["agency-d"]));

        var other = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var named = await client.CheckAsync(caseCode, "agency-d", "medical", "referral:1");

        Assert.Equal(ConsentDenialReasons.RecipientNotCovered, other.Reason);
        Assert.False(other.Permitted);
        Assert.True(named.Permitted);
    }

    [Fact]
    public async Task A_consent_past_its_valid_until_denies_with_expired()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, validFor: TimeSpan.FromHours(6)));
        Assert.True((await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1", consume: false)).Permitted);

        hub.Clock.Advance(TimeSpan.FromHours(7));
        var decision = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");

        Assert.False(decision.Permitted);
        Assert.Equal(ConsentDenialReasons.Expired, decision.Reason);
    }

    [Fact]
    public async Task A_one_off_consent_is_used_by_the_first_release_and_denies_the_next_with_used()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true));

        var first = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var second = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:2");

        Assert.True(first.Permitted);
        Assert.False(second.Permitted);
        Assert.Equal(ConsentDenialReasons.Used, second.Reason);
    }

    [Fact]
    public async Task Asking_again_for_the_same_release_gets_the_same_permit_so_retries_are_safe()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true));

        var first = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var retry = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var elsewhere = await client.CheckAsync(caseCode, "agency-d", "medical", "referral:1");

        Assert.True(retry.Permitted);
        Assert.Equal(first.ConsentId, retry.ConsentId);
        Assert.Equal(first.ConsentVersion, retry.ConsentVersion);
        // The same reference sent to another organisation is a second release, not a retry.
        Assert.Equal(ConsentDenialReasons.Used, elsewhere.Reason);
    }

    [Fact]
    public async Task A_pre_check_uses_nothing()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true));

        Assert.True((await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1", consume: false)).Permitted);
        Assert.True((await client.CheckAsync(caseCode, "agency-b", "medical", "referral:2", consume: false)).Permitted);
        Assert.True((await client.CheckAsync(caseCode, "agency-b", "medical", "referral:2")).Permitted);
        Assert.Equal(ConsentDenialReasons.Used, (await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1", consume: false)).Reason);
    }

    [Fact]
    public async Task A_withdrawn_consent_denies_with_withdrawn()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        (await client.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).EnsureSuccessStatusCode();

        var decision = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");

        Assert.False(decision.Permitted);
        Assert.Equal(ConsentDenialReasons.Withdrawn, decision.Reason);
    }

    [Fact]
    public async Task An_amendment_decides_by_the_new_version()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        var amended = ConsentApi.Consent(caseCode, ["medical", "education-formal"], hub.Clock);
        amended.Remove("caseCode");
        (await client.PutAsync($"/api/v1/consents/{caseCode}", System.Net.Http.Json.JsonContent.Create(amended))).EnsureSuccessStatusCode();

        var decision = await client.CheckAsync(caseCode, "agency-b", "education-formal", "referral:1");

        Assert.True(decision.Permitted);
        Assert.Equal(2, decision.ConsentVersion);
    }
}
