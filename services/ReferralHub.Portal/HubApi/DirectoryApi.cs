using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

// The directory's API as the portal reads it; the answers are the generated wire types (WireTypes.cs).

/// <summary>A focal point as the editing body sends it (id kept when editing an existing one).</summary>
public sealed record FocalPointView(Guid? Id, string? Name, string? Role, string? Phone, string? Email);

/// <summary>
/// The directory service's editing body (PUT /api/v1/directory/services/{id}): every field, plus the version read. A
/// record so the page can change a few fields of what it read (<c>with</c>); sent as the generated ServiceInput.
/// </summary>
public sealed record DirectoryServiceInput(
    Guid OrganisationId, string ServiceType, string Name, string? Description, List<string> AreaCodes,
    int? MinAge, int? MaxAge, List<string> Sexes, List<string> ProtectionConcerns, List<string> Languages,
    string? Hours, string? HowToRefer, bool Accepting, string? NotAcceptingReason, DateTime? NotAcceptingUntil,
    string? CapacityNote, List<FocalPointView> FocalPoints, long Version)
{
    public static DirectoryServiceInput From(DirectoryServiceView s) =>
        new(s.OrganisationId, s.ServiceType, s.Name, s.Description, s.AreaCodes, s.MinAge, s.MaxAge, s.Sexes, s.ProtectionConcerns,
            s.Languages, s.Hours, s.HowToRefer, s.Accepting, s.NotAcceptingReason, s.NotAcceptingUntil, s.CapacityNote,
            [.. s.FocalPoints.Select(f => new FocalPointView(f.Id, f.Name, f.Role, f.Phone, f.Email))], s.Version);

    /// <summary>The body as the document types it (ServiceInput): a field the directory renames stops this compiling.</summary>
    public ReferralHub.Wire.ServiceInput ToWire() => new()
    {
        OrganisationId = OrganisationId, ServiceType = ServiceType, Name = Name, Description = Description, AreaCodes = AreaCodes,
        MinAge = MinAge, MaxAge = MaxAge, Sexes = Sexes, ProtectionConcerns = ProtectionConcerns, Languages = Languages,
        Hours = Hours, HowToRefer = HowToRefer, Accepting = Accepting, NotAcceptingReason = NotAcceptingReason,
        NotAcceptingUntil = NotAcceptingUntil, CapacityNote = CapacityNote,
        FocalPoints = [.. FocalPoints.Select(f => new ReferralHub.Wire.FocalPointInput { Id = f.Id, Name = f.Name, Role = f.Role, Phone = f.Phone, Email = f.Email })],
        Version = Version,
    };
}

public sealed class DirectoryApi(HubApiClient api)
{
    public async Task<ApiResult<List<StaleEntryView>>> StaleAsync(string area, CancellationToken ct) =>
        await ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfStaleEntryDto, StaleEntryView>(api.Http, $"api/v1/directory/stale?area={Uri.EscapeDataString(area)}", ct);

    public async Task<ApiResult<List<DirectoryServiceView>>> ServicesAsync(string area, CancellationToken ct) =>
        await ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfServiceDto, DirectoryServiceView>(api.Http, $"api/v1/directory/services?area={Uri.EscapeDataString(area)}", ct);

    public async Task<ApiResult<DirectoryServiceView>> ServiceAsync(Guid id, CancellationToken ct) =>
        await ApiResult<DirectoryServiceView>.ReadAsync(await api.Http.GetAsync($"api/v1/directory/services/{id}", ct), ct);

    public async Task<ApiResult<DirectoryServiceView>> UpdateServiceAsync(Guid id, DirectoryServiceInput input, CancellationToken ct) =>
        await ApiResult<DirectoryServiceView>.ReadAsync(await api.Http.PutAsJsonAsync($"api/v1/directory/services/{id}", input.ToWire(), HubApiJson.Options, ct), ct);

    /// <summary>"Confirm reviewed" for a service or a pathway (kind as the stale list names it).</summary>
    /// <returns>The entry's new version.</returns>
    public async Task<ApiResult<long>> ConfirmReviewedAsync(string kind, Guid id, long version, CancellationToken ct)
    {
        if (kind == "pathway")
            return (await ApiResult<PathwayView>.ReadAsync(
                await api.Http.PostAsJsonAsync($"api/v1/directory/pathways/{id}/review", new { version }, HubApiJson.Options, ct), ct)).Map(p => p.Version);
        return (await ApiResult<DirectoryServiceView>.ReadAsync(
            await api.Http.PostAsJsonAsync($"api/v1/directory/services/{id}/review", new { version }, HubApiJson.Options, ct), ct)).Map(s => s.Version);
    }
}
