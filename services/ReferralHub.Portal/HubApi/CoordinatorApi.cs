namespace ReferralHub.Portal.HubApi;

/// <summary>What coordinators read besides the turnaround figures: the directory's stale entries across all areas.</summary>
public sealed class CoordinatorApi(HubApiClient api)
{
    public async Task<ApiResult<List<StaleEntryWithContactsView>>> StaleAsync(CancellationToken ct) =>
        await ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfStaleEntryDto, StaleEntryWithContactsView>(api.Http, "api/v1/directory/stale", ct);
}
