using System.Net.Http.Json;

namespace ReferralHub.Portal.HubApi;

// The agency admin's APIs as the portal reads them: API clients (gateway) and webhooks (referral routing). The answers
// are the generated wire types (WireTypes.cs).

/// <summary><c>/api/v1/agency/clients</c> on the gateway, as the signed-in agency admin.</summary>
public sealed class AgencyClientsApi(HubApiClient api)
{
    public Task<ApiResult<List<AgencyClientView>>> ListAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfAgencyClientView, AgencyClientView>(api.Http, "api/v1/agency/clients", ct);

    public async Task<ApiResult<AgencyClientSecretView>> CreateAsync(string clientId, string displayName, IReadOnlyList<string> roles, CancellationToken ct) =>
        await ApiResult<AgencyClientSecretView>.ReadAsync(
            await api.Http.PostAsJsonAsync("api/v1/agency/clients", new { clientId, displayName, roles }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<AgencyClientSecretView>> RotateSecretAsync(string clientId, CancellationToken ct) =>
        await ApiResult<AgencyClientSecretView>.ReadAsync(
            await api.Http.PostAsync($"api/v1/agency/clients/{Uri.EscapeDataString(clientId)}/secret", null, ct), ct);
}

/// <summary>
/// <c>/api/v1/agency/users</c> on the gateway (the account store, the hub's identity provider), as the signed-in
/// agency admin: what the agency people pages (Pages/Agency/Users, User, Invite) read and change.
/// </summary>
public sealed class AgencyUsersApi(HubApiClient api)
{
    public Task<ApiResult<List<AgencyUserView>>> ListAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfAgencyUserView, AgencyUserView>(api.Http, "api/v1/agency/users?limit=500", ct);

    public async Task<ApiResult<AgencyUserView>> GetAsync(string userId, CancellationToken ct) =>
        await ApiResult<AgencyUserView>.ReadAsync(await api.Http.GetAsync($"api/v1/agency/users/{Uri.EscapeDataString(userId)}", ct), ct);

    public async Task<ApiResult<AgencyUserSetPasswordLink>> InviteAsync(string? email, string? displayName, IReadOnlyList<string> roles, CancellationToken ct) =>
        await ApiResult<AgencyUserSetPasswordLink>.ReadAsync(
            await api.Http.PostAsJsonAsync("api/v1/agency/users", new { email, displayName, roles }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<AgencyUserView>> SetRolesAsync(string userId, IReadOnlyList<string> roles, CancellationToken ct) =>
        await ApiResult<AgencyUserView>.ReadAsync(
            await api.Http.PutAsJsonAsync($"api/v1/agency/users/{Uri.EscapeDataString(userId)}/roles", new { roles }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<AgencyUserView>> DisableAsync(string userId, CancellationToken ct) =>
        await ApiResult<AgencyUserView>.ReadAsync(await api.Http.PostAsync($"api/v1/agency/users/{Uri.EscapeDataString(userId)}/disable", null, ct), ct);

    public async Task<ApiResult<AgencyUserView>> EnableAsync(string userId, CancellationToken ct) =>
        await ApiResult<AgencyUserView>.ReadAsync(await api.Http.PostAsync($"api/v1/agency/users/{Uri.EscapeDataString(userId)}/enable", null, ct), ct);

    public async Task<ApiResult<AgencyUserSetPasswordLink>> ResetAsync(string userId, CancellationToken ct) =>
        await ApiResult<AgencyUserSetPasswordLink>.ReadAsync(await api.Http.PostAsync($"api/v1/agency/users/{Uri.EscapeDataString(userId)}/reset", null, ct), ct);
}

/// <summary><c>/api/v1/referrals/webhooks</c> (referral routing), as the signed-in agency admin.</summary>
public sealed class WebhooksApi(HubApiClient api)
{
    public Task<ApiResult<List<WebhookView>>> ListAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfWebhookView, WebhookView>(api.Http, "api/v1/referrals/webhooks", ct);

    public async Task<ApiResult<WebhookRegisteredView>> RegisterAsync(string? url, string? secret, CancellationToken ct) =>
        await ApiResult<WebhookRegisteredView>.ReadAsync(
            await api.Http.PostAsJsonAsync("api/v1/referrals/webhooks", new { url, secret = string.IsNullOrEmpty(secret) ? null : secret }, HubApiJson.Options, ct), ct);

    /// <summary>Stops the webhook (the service keeps it, inactive, with its log).</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        using var response = await api.Http.DeleteAsync($"api/v1/referrals/webhooks/{id}", ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>The most recent <paramref name="limit"/> callbacks: the first page of the log (newest first).</summary>
    public Task<ApiResult<List<WebhookDeliveryView>>> DeliveriesAsync(Guid id, int limit, CancellationToken ct) =>
        ApiPages.ReadAllAsync<ReferralHub.Wire.PageOfWebhookDeliveryView, WebhookDeliveryView>(api.Http, $"api/v1/referrals/webhooks/{id}/deliveries?limit={limit}", ct, maxPages: 1);

    public async Task<ApiResult<DeadLetterView>> ResendAsync(Guid id, Guid deadLetterId, CancellationToken ct) =>
        await ApiResult<DeadLetterView>.ReadAsync(await api.Http.PostAsync($"api/v1/referrals/webhooks/{id}/dead-letters/{deadLetterId}/resend", null, ct), ct);
}

public static class AgencyAdministration
{
    /// <summary>What the agency admin's pages use: the gateway's people and client APIs, and referral routing's webhooks.</summary>
    public static IServiceCollection AddAgencyAdministration(this IServiceCollection services) => services
        .AddScoped<AgencyClientsApi>()
        .AddScoped<AgencyUsersApi>()
        .AddScoped<WebhooksApi>();
}
