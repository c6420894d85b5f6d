using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

/// <summary>What a supervisor reads and authorises: their agency's referrals by status, and consent overrides.</summary>
public sealed class SupervisorApi(HubApiClient api)
{
    /// <summary>
    /// The ground codes the consent registry accepts (ReferralHub.Consent's OverrideGrounds, seed 000 part 4): the form
    /// offers exactly these; the registry checks them again.
    /// </summary>
    public static readonly string[] OverrideGrounds =
        ["no-caregiver-child-too-young", "imminent-danger", "imminent-danger-sexual-violence", "imminent-danger-severe-abuse"];

    /// <summary>The agency's referrals with one status (every page, bounded).</summary>
    public Task<ApiResult<List<ReferralListItemView>>> ReferralsAsync(string status, CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfReferralListItem, ReferralListItemView>(api.Http, $"api/v1/referrals?status={Uri.EscapeDataString(status)}&limit=100", ct);

    public async Task<ApiResult<ReferralView>> ReferralAsync(Guid id, CancellationToken ct) =>
        await ApiResult<ReferralView>.ReadAsync(await api.Http.GetAsync($"api/v1/referrals/{id}", ct), ct);

    public async Task<ApiResult<OverrideResultView>> AuthoriseOverrideAsync(string caseCode, string releaseReference, string? ground, string? justification, CancellationToken ct) =>
        await ApiResult<OverrideResultView>.ReadAsync(await api.Http.PostAsJsonAsync("api/v1/consents/overrides",
            new { caseCode, releaseReference, ground, justification }, HubApiJson.Options, ct), ct);
}
