using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

// The directory's pathway editing API as the focal point's pages read it (answers: generated wire types, WireTypes.cs).

/// <summary>Pathways: for an area and a service type, which services in which order (the directory checks who may edit).</summary>
public sealed class PathwaysApi(HubApiClient api)
{
    public Task<ApiResult<List<AreaView>>> AreasAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfAreaDto, AreaView>(api.Http, "api/v1/directory/areas", ct);

    public async Task<ApiResult<List<PathwayView>>> ListAsync(CancellationToken ct) =>
        await ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfPathwayDto, PathwayView>(api.Http, "api/v1/directory/pathways", ct);

    public async Task<ApiResult<PathwayView>> GetAsync(Guid id, CancellationToken ct) =>
        await ApiResult<PathwayView>.ReadAsync(await api.Http.GetAsync($"api/v1/directory/pathways/{id}", ct), ct);

    public async Task<ApiResult<PathwayView>> UpdateAsync(Guid id, List<Guid> serviceIds, bool reofferToNext, long version, CancellationToken ct) =>
        await ApiResult<PathwayView>.ReadAsync(await api.Http.PutAsJsonAsync($"api/v1/directory/pathways/{id}",
            new { serviceIds, reofferToNext, version }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<PathwayView>> CreateAsync(string areaCode, string serviceType, CancellationToken ct) =>
        await ApiResult<PathwayView>.ReadAsync(await api.Http.PostAsJsonAsync("api/v1/directory/pathways",
            new { areaCode, serviceType, serviceIds = Array.Empty<Guid>(), reofferToNext = true }, HubApiJson.Options, ct), ct);
}
