using System.Net.Http.Json;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.HubApi;

// The agency admin's APIs as the portal reads them: API clients (gateway) and webhooks (referral routing).

public sealed record AgencyClientView(string ClientId, string DisplayName, List<string> Roles, bool ManagedByConfiguration, DateTime? CreatedAt, DateTime? SecretChangedAt);

public sealed record AgencyClientSecretView(string ClientId, string DisplayName, List<string> Roles, string ClientSecret);

public sealed record WebhookView(Guid Id, string Url, bool Active, long LastSequence, int Attempts, DateTime NextAttemptAt, string? LastError, int DeadLetters);

public sealed record WebhookRegisteredView(Guid Id, string Url, string Secret);

public sealed record WebhookDeliveryView(string DeliveryId, long Sequence, Guid ReferralId, string Event, DateTime ChangedAt, string State,
    int Attempts, string? LastError, DateTime? NextAttemptAt, DateTime? DeadAt, DateTime? ResentAt, Guid? DeadLetterId, string? Type = null)
{
    /// <summary>A transfer step (the same webhook carries the agency's referral and transfer events).</summary>
    public bool IsTransfer => Type == "transfer.status-changed";
}

public sealed record DeadLetterView(Guid Id, long ChangeSequence, int Attempts, string? LastError, DateTime DeadAt, DateTime? ResentAt);

/// <summary><c>/api/v1/agency/clients</c> on the gateway, as the signed-in agency admin.</summary>
public sealed class AgencyClientsApi(HubApiClient api)
{
    public async Task<ApiResult<List<AgencyClientView>>> ListAsync(CancellationToken ct) =>
        await ApiResult<List<AgencyClientView>>.ReadAsync(await api.Http.GetAsync("api/v1/agency/clients", ct), ct);

    public async Task<ApiResult<AgencyClientSecretView>> CreateAsync(string clientId, string displayName, IReadOnlyList<string> roles, CancellationToken ct) =>
        await ApiResult<AgencyClientSecretView>.ReadAsync(
            await api.Http.PostAsJsonAsync("api/v1/agency/clients", new { clientId, displayName, roles }, HubApiJson.Options, ct), ct);

    public async Task<ApiResult<AgencyClientSecretView>> RotateSecretAsync(string clientId, CancellationToken ct) =>
        await ApiResult<AgencyClientSecretView>.ReadAsync(
            await api.Http.PostAsync($"api/v1/agency/clients/{Uri.EscapeDataString(clientId)}/secret", null, ct), ct);
}

/// <summary><c>/api/v1/referrals/webhooks</c> (referral routing), as the signed-in agency admin.</summary>
public sealed class WebhooksApi(HubApiClient api)
{
    public Task<ApiResult<List<WebhookView>>> ListAsync(CancellationToken ct) =>
        ApiPages.ReadAllAsync<WebhookView>(api.Http, "api/v1/referrals/webhooks", ct);

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
        ApiPages.ReadAllAsync<WebhookDeliveryView>(api.Http, $"api/v1/referrals/webhooks/{id}/deliveries?limit={limit}", ct, maxPages: 1);

    public async Task<ApiResult<DeadLetterView>> ResendAsync(Guid id, Guid deadLetterId, CancellationToken ct) =>
        await ApiResult<DeadLetterView>.ReadAsync(await api.Http.PostAsync($"api/v1/referrals/webhooks/{id}/dead-letters/{deadLetterId}/resend", null, ct), ct);
}

public static class AgencyAdministration
{
    /// <summary>What the agency admin's pages use: the portal's own accounts, and the hub's client and webhook APIs.</summary>
    public static IServiceCollection AddAgencyAdministration(this IServiceCollection services) => services
        .AddScoped<AgencyUserAdmin>()
        .AddScoped<AgencyClientsApi>()
        .AddScoped<WebhooksApi>();
}
