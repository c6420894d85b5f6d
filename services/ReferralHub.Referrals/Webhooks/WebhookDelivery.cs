using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Webhooks;

public sealed class WebhookOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First retry delay; doubles per failed attempt up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Attempts per change before it is dead-lettered and delivery moves on.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Callbacks to private, loopback and link-local addresses; null means only in Development (<see cref="WebhookAddressGuard"/>).</summary>
    public bool? AllowPrivateNetworks { get; set; }

    public bool PrivateNetworksAllowed(IHostEnvironment environment) => AllowPrivateNetworks ?? environment.IsDevelopment();
}

/// <summary>
/// The JSON body of a callback: ids, statuses and reason codes only, never personal data. <see cref="Type"/> is
/// <c>referral.status-changed</c> (with <see cref="ReferralId"/>) or <c>transfer.status-changed</c> (with
/// <see cref="TransferId"/> and the other agency of the transfer in <see cref="OrganisationCode"/>).
/// </summary>
public sealed record WebhookEvent(string Id, string Type, long Sequence, Guid? ReferralId, Guid? TransferId, string Status, string? Reason,
    string? OrganisationCode, bool Overdue, int Version, DateTime ChangedAt)
{
    public static WebhookEvent From(Guid subscriptionId, ReferralChange change) => change.Kind == ReferralChange.TransferKind
        ? new($"{subscriptionId:N}-{change.Sequence}", "transfer.status-changed", change.Sequence, null, change.TransferId, change.Status,
            change.Reason, change.OrganisationCode, false, change.Version, change.ChangedAt)
        : new($"{subscriptionId:N}-{change.Sequence}", "referral.status-changed", change.Sequence, change.ReferralId, change.TransferId, change.Status,
            change.Reason, change.OrganisationCode, change.Overdue, change.Version, change.ChangedAt);
}

/// <summary>
/// Signing: <c>X-ReferralHub-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))</c> with
/// <c>X-ReferralHub-Timestamp</c> (Unix seconds), so a receiver can verify the sender and refuse replays.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-ReferralHub-Signature";
    public const string TimestampHeader = "X-ReferralHub-Timestamp";
    public const string DeliveryHeader = "X-ReferralHub-Delivery";

    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}

public static class WebhookDeliveryRegistration
{
    public const string HttpClientName = "referral-webhooks";

    public static IHostApplicationBuilder AddWebhookDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(HttpClientName).ConfigurePrimaryHttpMessageHandler(services => WebhookAddressGuard.CreateHandler(
            services.GetRequiredService<IOptions<WebhookOptions>>().Value.PrivateNetworksAllowed(services.GetRequiredService<IHostEnvironment>())));
        builder.Services.AddScoped<WebhookSender>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}

/// <summary>Delivers one subscription's next changes in order; used by the dispatcher and by a manual re-send.</summary>
public sealed class WebhookSender(ReferralsDbContext db, IHttpClientFactory http, IPersonalDataProtector<ReferralsDbContext> protector,
    TimeProvider clock, IOptions<WebhookOptions> options, ILogger<WebhookSender> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Delivers due subscriptions; returns how many callbacks succeeded.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.WebhookSubscriptions.Where(s => s.Active && s.NextAttemptAt <= now).Take(50).ToListAsync(cancellationToken);
        var delivered = 0;
        foreach (var subscription in due)
        {
            var changes = await db.Changes.AsNoTracking().Where(c => c.AgencyCode == subscription.AgencyCode && c.Sequence > subscription.LastSequence)
                .OrderBy(c => c.Sequence).Take(20).ToListAsync(cancellationToken);
            if (changes.Count == 0) continue;
            var secret = await protector.UnprotectAsync(ProtectionScopes.Agency(subscription.AgencyCode), subscription.SecretProtected, cancellationToken);
            if (secret is null) { subscription.Active = false; subscription.LastError = "secret destroyed"; continue; }
            foreach (var change in changes)
            {
                var error = await SendAsync(subscription, secret, change, cancellationToken);
                now = clock.GetUtcNow().UtcDateTime;
                if (error is null)
                {
                    subscription.LastSequence = change.Sequence;
                    subscription.Attempts = 0;
                    subscription.LastError = null;
                    delivered++;
                    continue;
                }

                subscription.Attempts++;
                subscription.LastError = error;
                if (subscription.Attempts >= options.Value.MaxAttempts)
                {
                    // Dead-letter this change and move on: one broken callback must not hold back every later change forever.
                    db.WebhookDeadLetters.Add(new WebhookDeadLetter { Id = NewId.NextGuid(), SubscriptionId = subscription.Id, ChangeSequence = change.Sequence,
                        Attempts = subscription.Attempts, LastError = error, DeadAt = now });
                    logger.LogWarning("Webhook {SubscriptionId}: change {Sequence} dead-lettered after {Attempts} attempts", subscription.Id, change.Sequence, subscription.Attempts);
                    subscription.LastSequence = change.Sequence;
                    subscription.Attempts = 0;
                    subscription.NextAttemptAt = now;
                }
                else
                {
                    subscription.NextAttemptAt = now + Backoff(subscription.Attempts);
                }
                break;
            }
            subscription.Version++;
            await db.SaveChangesAsync(cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        return delivered;
    }

    /// <summary>Sends a dead-lettered change again, once; null when delivered, else the error.</summary>
    public async Task<string?> ResendAsync(WebhookSubscription subscription, WebhookDeadLetter deadLetter, CancellationToken cancellationToken)
    {
        var change = await db.Changes.AsNoTracking().SingleOrDefaultAsync(c => c.Sequence == deadLetter.ChangeSequence, cancellationToken);
        if (change is null) return "the change is no longer kept";
        var secret = await protector.UnprotectAsync(ProtectionScopes.Agency(subscription.AgencyCode), subscription.SecretProtected, cancellationToken);
        if (secret is null) return "secret destroyed";
        var error = await SendAsync(subscription, secret, change, cancellationToken);
        deadLetter.Attempts++;
        deadLetter.LastError = error;
        if (error is null) deadLetter.ResentAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return error;
    }

    private TimeSpan Backoff(int attempts)
    {
        var delay = options.Value.RetryBaseDelay * Math.Pow(2, Math.Min(attempts - 1, 16));
        return delay > options.Value.MaxDelay ? options.Value.MaxDelay : delay;
    }

    private async Task<string?> SendAsync(WebhookSubscription subscription, string secret, ReferralChange change, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(WebhookEvent.From(subscription.Id, change), Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, $"{subscription.Id:N}-{change.Sequence}");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await http.CreateClient(WebhookDeliveryRegistration.HttpClientName).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return ex.GetType().Name;
        }
    }
}

/// <summary>Polls for due subscriptions; callbacks are sent from the change log, so a crash only delays them.</summary>
internal sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ServiceLeases<ReferralsDbContext> leases, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One replica delivers at a time, so a callback is not sent twice by two replicas (a lease).
                if (!await leases.HoldAsync("webhooks", stoppingToken))
                {
                    await Task.Delay(options.Value.PollInterval, stoppingToken);
                    continue;
                }

                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<WebhookSender>().DeliverDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Webhook delivery round failed; retrying");
            }

            try { await Task.Delay(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
