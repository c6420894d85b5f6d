namespace ReferralHub.Portal.HubApi;

public sealed record ContactView(string? Name, string? Role, string? Phone, string? Email);

/// <summary>A directory entry not reviewed for six months, with who should review it (GET /api/v1/directory/stale).</summary>
public sealed record StaleEntryWithContactsView(
    string Kind, Guid Id, string Name, string? OrganisationCode, List<string> AreaCodes, DateTime? LastReviewedAt, string? LastReviewedBy,
    List<ContactView> FocalPoints, List<ContactView> AreaFocalPoints, long Version);

/// <summary>What coordinators read besides the turnaround figures: the directory's stale entries across all areas.</summary>
public sealed class CoordinatorApi(HubApiClient api)
{
    public async Task<ApiResult<List<StaleEntryWithContactsView>>> StaleAsync(CancellationToken ct) =>
        await ApiPages.ReadAllAsync<StaleEntryWithContactsView>(api.Http, "api/v1/directory/stale", ct);
}
