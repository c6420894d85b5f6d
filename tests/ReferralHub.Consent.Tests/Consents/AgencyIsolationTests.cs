using System.Net;
using System.Net.Http.Json;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Consents;

/// <summary>Another agency's case answers 404 (not 403), so case codes cannot be probed, and its consent permits nothing for them.</summary>
public sealed class AgencyIsolationTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Another_agency_gets_404_for_every_operation_on_the_case()
    {
        var owner = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await owner.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        await owner.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var other = await hub.ClientAsync(ConsentHub.OtherAgency);

        var amended = ConsentApi.Consent(caseCode, ["food"], hub.Clock);
        amended.Remove("caseCode");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/consents/{caseCode}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/consents/{caseCode}/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/consents/{caseCode}/decisions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync($"/api/v1/consents/{caseCode}", amended)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).StatusCode);

        // Same answer as for a case that exists nowhere.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/consents/{ConsentApi.NewCase()}")).StatusCode);
        // And the owner's consent still stands.
        Assert.Equal("active", (await owner.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/consents/{caseCode}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_agencys_consent_permits_nothing_for_a_case_code_it_happens_to_share()
    {
        var owner = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await owner.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        var other = await hub.ClientAsync(ConsentHub.OtherAgency);

        var decision = await other.CheckAsync(caseCode, "agency-b", "medical", "referral:1");

        Assert.False(decision.Permitted);
        Assert.Equal(ConsentDenialReasons.NoConsent, decision.Reason);
    }

    [Fact]
    public async Task The_owning_agency_reads_the_decision_log_of_its_case()
    {
        var owner = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await owner.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        var permit = await owner.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var denial = await owner.CheckAsync(caseCode, "agency-b", "food", "referral:2");

        var log = (await owner.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/consents/{caseCode}/decisions")).GetProperty("items").EnumerateArray().ToArray();

        Assert.Equal([permit.DecisionId, denial.DecisionId], log.Select(d => d.GetProperty("decisionId").GetGuid()));
        Assert.All(log, d => Assert.Equal("agency-a-system", d.GetProperty("requestedBy").GetString()));
        Assert.Equal("refused", log[1].GetProperty("reason").GetString());
        Assert.Equal(1, log[0].GetProperty("consentVersion").GetInt32());
    }
}
