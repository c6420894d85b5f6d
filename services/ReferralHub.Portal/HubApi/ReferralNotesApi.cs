using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

/// <summary>One note between the referring caseworker and the provider (authorSide "referrer" or "provider").</summary>
public sealed record NoteViewModel(Guid Id, string AuthorAgency, string AuthorSide, string? Text, DateTime CreatedAt);

/// <summary>Notes on a referral (GET/POST /api/v1/referrals/{id}/notes): the referral service decides who is a party.</summary>
public sealed class ReferralNotesApi(HubApiClient api)
{
    public Task<ApiResult<List<NoteViewModel>>> ListAsync(Guid referralId, CancellationToken ct) =>
        ApiPages.ReadAllAsync<NoteViewModel>(api.Http, $"api/v1/referrals/{referralId}/notes", ct);

    public async Task<ApiResult<NoteViewModel>> AddAsync(Guid referralId, string? text, CancellationToken ct) =>
        await ApiResult<NoteViewModel>.ReadAsync(await api.Http.PostAsJsonAsync($"api/v1/referrals/{referralId}/notes", new { text }, HubApiJson.Options, ct), ct);
}

/// <summary>The typed clients of the provider, supervisor, pathway and chart pages (kept apart from the first ones).</summary>
public static class WorkflowApiRegistration
{
    public static IHostApplicationBuilder AddPortalWorkflowApis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ReferralNotesApi>();
        builder.Services.AddScoped<TransfersApi>();
        builder.Services.AddScoped<SupervisorApi>();
        builder.Services.AddScoped<PathwaysApi>();
        builder.Services.AddScoped<CoordinatorApi>();
        builder.Services.AddScoped<TransferEscalationsApi>();
        return builder;
    }
}
