using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

// The directory's API as the portal reads it (only the fields the pages use; the service owns the full shapes).

public sealed record FocalPointView(Guid? Id, string? Name, string? Role, string? Phone, string? Email);

public sealed record DirectoryServiceView(
    Guid Id, Guid OrganisationId, string OrganisationCode, string ServiceType, string Name, string? Description,
    List<string> AreaCodes, int? MinAge, int? MaxAge, List<string> Sexes, List<string> ProtectionConcerns, List<string> Languages,
    string? Hours, string? HowToRefer, bool Accepting, bool AcceptingNow, string? NotAcceptingReason, DateTime? NotAcceptingUntil,
    string? CapacityNote, List<FocalPointView> FocalPoints, DateTime? LastReviewedAt, string? LastReviewedBy, bool Stale, bool Retired, long Version);

public sealed record StaleEntryView(string Kind, Guid Id, string Name, string? OrganisationCode, List<string> AreaCodes, DateTime? LastReviewedAt, long Version);

/// <summary>The directory service's editing body (PUT /api/v1/directory/services/{id}): every field, plus the version read.</summary>
public sealed record DirectoryServiceInput(
    Guid OrganisationId, string ServiceType, string Name, string? Description, List<string> AreaCodes,
    int? MinAge, int? MaxAge, List<string> Sexes, List<string> ProtectionConcerns, List<string> Languages,
    string? Hours, string? HowToRefer, bool Accepting, string? NotAcceptingReason, DateTime? NotAcceptingUntil,
    string? CapacityNote, List<FocalPointView> FocalPoints, long Version)
{
    public static DirectoryServiceInput From(DirectoryServiceView s) =>
        new(s.OrganisationId, s.ServiceType, s.Name, s.Description, s.AreaCodes, s.MinAge, s.MaxAge, s.Sexes, s.ProtectionConcerns,
            s.Languages, s.Hours, s.HowToRefer, s.Accepting, s.NotAcceptingReason, s.NotAcceptingUntil, s.CapacityNote, s.FocalPoints, s.Version);
}

public sealed class DirectoryApi(HubApiClient api)
{
    public async Task<ApiResult<List<StaleEntryView>>> StaleAsync(string area, CancellationToken ct) =>
        await ApiPages.ReadAllAsync<StaleEntryView>(api.Http, $"api/v1/directory/stale?area={Uri.EscapeDataString(area)}", ct);

    public async Task<ApiResult<List<DirectoryServiceView>>> ServicesAsync(string area, CancellationToken ct) =>
        await ApiPages.ReadAllAsync<DirectoryServiceView>(api.Http, $"api/v1/directory/services?area={Uri.EscapeDataString(area)}", ct);

    public async Task<ApiResult<DirectoryServiceView>> ServiceAsync(Guid id, CancellationToken ct) =>
        await ApiResult<DirectoryServiceView>.ReadAsync(await api.Http.GetAsync($"api/v1/directory/services/{id}", ct), ct);

    public async Task<ApiResult<DirectoryServiceView>> UpdateServiceAsync(Guid id, DirectoryServiceInput input, CancellationToken ct) =>
        await ApiResult<DirectoryServiceView>.ReadAsync(await api.Http.PutAsJsonAsync($"api/v1/directory/services/{id}", input, HubApiJson.Options, ct), ct);

    /// <summary>"Confirm reviewed" for a service or a pathway (kind as the stale list names it).</summary>
    public async Task<ApiResult<System.Text.Json.JsonElement>> ConfirmReviewedAsync(string kind, Guid id, long version, CancellationToken ct)
    {
        var path = kind == "pathway" ? "pathways" : "services";
        return await ApiResult<System.Text.Json.JsonElement>.ReadAsync(
            await api.Http.PostAsJsonAsync($"api/v1/directory/{path}/{id}/review", new { version }, HubApiJson.Options, ct), ct);
    }
}
