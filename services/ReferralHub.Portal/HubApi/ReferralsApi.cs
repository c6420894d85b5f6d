using System.Net.Http.Json;
using System.Text.Json;

namespace ReferralHub.Portal.HubApi;

// The referral routing API as the provider's pages read it (the service owns the full shapes).

public sealed record InboxItemView(Guid Id, string Status, string ServiceType, string Priority, string? AreaCode, Guid? ServiceId,
    string? AgeBand, string? Sex, List<string> Languages, string? CommunicationNeeds, DateTime? OfferedAt, DateTime? DeadlineAt, bool Overdue,
    DateTime? AcceptedAt = null, DateOnly? ServiceStartedOn = null, string? ChildInitials = null);

public sealed class ReferralsApi(HubApiClient api)
{
    /// <summary>The caller's organisation's referrals (every page of the inbox, bounded).</summary>
    public Task<ApiResult<List<InboxItemView>>> InboxAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<InboxItemView>(api.Http, "api/v1/inbox?status=all&limit=100", ct);

    /// <summary>One referral as the provider may see it: the minimal summary until accepted, then the released items.</summary>
    public async Task<ApiResult<JsonElement>> GetAsync(Guid id, CancellationToken ct) =>
        await ApiResult<JsonElement>.ReadAsync(await api.Http.GetAsync($"api/v1/referrals/{id}", ct), ct);

    /// <summary>accept, decline, start or complete.</summary>
    public async Task<ApiResult<JsonElement>> AnswerAsync(Guid id, string action, object? body, CancellationToken ct) =>
        await ApiResult<JsonElement>.ReadAsync(await api.Http.PostAsJsonAsync($"api/v1/referrals/{id}/{action}", body ?? new { }, HubApiJson.Options, ct), ct);
}
