using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Testing.Hub;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.EndToEnd;

/// <summary>End to end on the embedded host with real tokens, the real directory and the real consent registry.</summary>
public sealed class EmbeddedHubTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    private async Task<HubFlow> FlowAsync() =>
        new(await hub.ClientForAsync("agency-a-system", "agency-a-secret"), await hub.ClientForAsync("agency-b-system", "agency-b-secret"));

    [Fact]
    public async Task Nadia_with_a_withheld_item_is_accepted_started_and_completed() => await (await FlowAsync()).NadiaAsync("E2E-NADIA");

    [Fact]
    public async Task Consent_for_other_service_types_only_blocks_the_referral_and_releases_nothing() =>
        await (await FlowAsync()).ConsentForOtherServicesOnlyAsync("E2E-OTHER");

    [Fact]
    public async Task Withdrawing_consent_withdraws_the_referrals_not_yet_accepted() => await (await FlowAsync()).ConsentWithdrawalCascadesAsync("E2E-CASCADE");

    [Fact]
    public async Task A_referral_without_any_consent_is_blocked()
    {
        var referrer = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var id = await SubmitOkAsync(referrer, HubFlow.Referral("E2E-NOCONSENT"));

        var blocked = await WaitForStatusAsync(referrer, id, "blocked-consent");
        Assert.Equal("no-consent", blocked.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Other_agencies_and_roles_are_refused()
    {
        var flow = await FlowAsync();
        var referrer = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var provider = await hub.ClientForAsync("agency-b-system", "agency-b-secret");
        var coordinator = await hub.ClientForAsync("coordinator-system", "coordinator-secret");
        await flow.RecordConsentAsync("E2E-ISOLATION", ["mental-health"]);
        var id = await SubmitOkAsync(referrer, HubFlow.Referral("E2E-ISOLATION"));
        await WaitForStatusAsync(referrer, id, "offered");

        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync($"/api/v1/referrals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(coordinator, id, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(provider, id, "withdraw", new { reason = "other" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SubmitAsync(provider, HubFlow.Referral("E2E-ISOLATION"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.CreateClient().GetAsync($"/api/v1/referrals/{id}")).StatusCode);
        var export = await coordinator.GetAsync("/api/v1/cases/E2E-ISOLATION/export");
        Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        var own = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/cases/E2E-ISOLATION/export");
        Assert.Equal("Nadia", own.GetProperty("referrals")[0].GetProperty("referral").GetProperty("payload").GetProperty("child").GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task The_referral_api_is_in_the_openapi_document()
    {
        var document = await hub.CreateClient().GetStringAsync("/openapi/v1.json");

        Assert.Contains("/api/v1/referrals", document);
        Assert.Contains("/api/v1/inbox", document);
        Assert.Contains("/api/v1/metrics/turnaround", document);
    }
}
