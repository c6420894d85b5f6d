using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Transfers.Tests.Infrastructure;
using ReferralHub.Transfers.Tests.Referrals;

namespace ReferralHub.Transfers.Tests.Override;

/// <summary>
/// Seeds 001/004: with no caregiver and a child too young, or in imminent danger, a supervisor may authorise sharing
/// without consent. Once authorised, the referral or transfer that was stopped for want of consent goes on by itself,
/// and the release it makes is recorded under the override; the caseworker who asked cannot authorise it.
/// </summary>
public sealed class SupervisorOverrideResumesTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private static object Override(string caseCode, string reference) => new
    {
        caseCode,
        releaseReference = reference,
        ground = "imminent-danger-severe-abuse",
        justification = "Child at immediate risk at home; no safe caregiver reachable today.",
    };

    [Fact]
    public async Task A_referral_blocked_for_want_of_consent_is_offered_after_an_override_and_its_release_names_the_override()
    {
        var caseworker = await _hub.SenderAsync();
        var supervisor = await _hub.ClientAsync(TransferHub.Supervisor2);
        var provider = await _hub.ClientForAsync(CaseFollowsTransferFlow.ProviderClient, CaseFollowsTransferFlow.ProviderSecret);
        var caseCode = TransferApi.NewCase();
        var id = await CaseFollowsTransferFlow.SubmitReferralAsync(caseworker, caseCode);
        var blocked = await CaseFollowsTransferFlow.WaitForReferralAsync(caseworker, id, r => r.GetProperty("status").GetString() == "blocked-consent", "blocked");
        Assert.Equal("no-consent", blocked.GetProperty("reason").GetString());

        // The caseworker's system asked for the release and holds no supervisor role (four eyes are two identities): refused.
        var self = await caseworker.PostAsJsonAsync("/api/v1/consents/overrides", Override(caseCode, $"referral:{id}"));
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        var authorised = await supervisor.PostAsJsonAsync("/api/v1/consents/overrides", Override(caseCode, $"referral:{id}"));
        Assert.True(authorised.StatusCode == HttpStatusCode.Created, await authorised.Content.ReadAsStringAsync());
        var overrideId = (await authorised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overrideId").GetGuid();

        var offered = await CaseFollowsTransferFlow.WaitForReferralAsync(caseworker, id, r => r.GetProperty("status").GetString() == "offered", "offered after the override");
        Assert.Equal("agency-b", offered.GetProperty("organisationCode").GetString());
        Assert.Empty(offered.GetProperty("releases").EnumerateArray()); // nothing released before the provider accepts
        var accepted = await provider.PostAsJsonAsync($"/api/v1/referrals/{id}/accept", new { });
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());

        var release = (await caseworker.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}")).GetProperty("releases").EnumerateArray().Single();
        Assert.Equal(overrideId, release.GetProperty("overrideId").GetGuid());
        Assert.Equal(JsonValueKind.Null, release.GetProperty("consentId").ValueKind);
    }

    [Fact]
    public async Task A_transfer_stopped_by_the_consent_check_is_released_after_an_override_and_the_release_names_it()
    {
        var caseworker = await _hub.SenderAsync();
        var supervisor = await _hub.ClientAsync(TransferHub.Supervisor2);
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        var id = (await caseworker.RequestAsync(TransferApi.Request(caseCode, summary: new() { ["child.name"] = "Override Child" }))).Id();
        Assert.Equal("consent-denied", (await receiver.ConfirmAsync(id).OkAsync("confirm")).Status());

        var authorised = await supervisor.PostAsJsonAsync("/api/v1/consents/overrides", Override(caseCode, $"transfer:{id}"));
        Assert.True(authorised.StatusCode == HttpStatusCode.Created, await authorised.Content.ReadAsStringAsync());
        var overrideId = (await authorised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overrideId").GetGuid();

        await caseworker.WaitForStatusAsync(id, "released");
        Assert.Contains("Override Child", await receiver.GetStringAsync($"/api/v1/transfers/{id}/package"));
        var release = Assert.Single((await caseworker.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}/releases")).GetProperty("items").EnumerateArray());
        Assert.Equal(overrideId, release.GetProperty("overrideId").GetGuid());
        // The override covered one release: a second one for the same transfer is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await supervisor.PostAsJsonAsync("/api/v1/consents/overrides", Override(caseCode, $"transfer:{id}"))).StatusCode);
    }
}
