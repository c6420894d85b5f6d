namespace ReferralHub.Portal.HubApi;

/// <summary>What coordinators read besides the turnaround figures: the directory's stale entries across all areas.</summary>
public sealed class CoordinatorApi(HubApiClient api)
{
    public async Task<ApiResult<List<StaleEntryWithContactsView>>> StaleAsync(CancellationToken ct) =>
        await ApiResult<List<StaleEntryWithContactsView>>.ReadAsync(await api.Http.GetAsync("api/v1/directory/stale", ct), ct);
}
