using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Messaging;
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

    /// <summary>Active webhooks one agency may have (registration beyond it is a 409 naming the limit).</summary>
    public int MaxPerAgency { get; set; } = 10;

    /// <summary>Webhooks delivered at the same time (each one's changes still go one after another, in order).</summary>
    public int MaxParallelDeliveries { get; set; } = 8;

    /// <summary>Timeouts or connection failures in a row after which an endpoint (scheme, host, port) is left alone for <see cref="CircuitOpenFor"/>.</summary>
    public int CircuitFailures { get; set; } = 5;

    public TimeSpan CircuitOpenFor { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Callbacks to private, loopback and link-local addresses; null means only in Development (<see cref="WebhookAddressGuard"/>).</summary>
    public bool? AllowPrivateNetworks { get; set; }

    public bool PrivateNetworksAllowed(IHostEnvironment environment) => AllowPrivateNetworks ?? environment.IsDevelopment();

    /// <summary>
    /// How long a dead letter nobody re-sent is kept (<see cref="WebhookRetentionSweep"/>): long enough for an agency to
    /// notice a broken endpoint, fix it and re-send (a quarter); the delivery log shows no older changes, so it never
    /// calls a swept dead letter "delivered".
    /// </summary>
    public TimeSpan KeepDeadLetters { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a re-sent dead letter (delivered by hand) is kept after the re-send; the delivery log then shows its change as delivered.</summary>
    public TimeSpan KeepResent { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Rows one delete statement of the retention sweep removes at most.</summary>
    public int RetentionBatch { get; set; } = 1000;
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
        builder.Services.AddSingleton<WebhookCircuits>();
        builder.Services.AddHostedService<WebhookDispatcher>();
        builder.Services.AddRedriveSweep<WebhookRetentionSweep, ReferralsDbContext>();
        return builder;
    }
}

/// <summary>Delivers one subscription's next changes in order; used by the dispatcher and by a manual re-send.</summary>
public sealed class WebhookSender(ReferralsDbContext db, IHttpClientFactory http, IPersonalDataProtector<ReferralsDbContext> protector,
    TimeProvider clock, IOptions<WebhookOptions> options, WebhookCircuits circuits, ILogger<WebhookSender> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Delivers every due subscription, one after another; returns how many callbacks succeeded.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        foreach (var id in await DueAsync(50, [], cancellationToken))
        {
            delivered += await DeliverAsync(id, cancellationToken);
            db.ChangeTracker.Clear();
        }
        return delivered;
    }

    /// <summary>Active subscriptions whose next attempt is due, earliest first, leaving out <paramref name="busy"/> ones.</summary>
    public async Task<List<Guid>> DueAsync(int max, IReadOnlyCollection<Guid> busy, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Active && s.NextAttemptAt <= now && !busy.Contains(s.Id))
            .OrderBy(s => s.NextAttemptAt).Select(s => s.Id).Take(max).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Sends one subscription's next changes, in order, stopping at the first failure (retried later with back-off);
    /// returns how many callbacks succeeded. Never run twice at once for one subscription (the dispatcher sees to it).
    /// </summary>
    public async Task<int> DeliverAsync(Guid subscriptionId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == subscriptionId && s.Active && s.NextAttemptAt <= now, cancellationToken);
        if (subscription is null) return 0;
        var changes = await db.Changes.AsNoTracking().Where(c => c.AgencyCode == subscription.AgencyCode && c.Sequence > subscription.LastSequence)
            .OrderBy(c => c.Sequence).Take(20).ToListAsync(cancellationToken);
        if (changes.Count == 0) return 0;
        if (circuits.OpenUntil(subscription.Url, now) is { } openUntil)
        {
            // The endpoint timed out or refused connections again and again: wait without calling and without counting
            // an attempt (nothing is dead-lettered because another subscription's calls to the same endpoint failed).
            subscription.NextAttemptAt = openUntil;
            subscription.LastError = WebhookCircuits.OpenError;
            subscription.Version++;
            await db.SaveChangesAsync(cancellationToken);
            return 0;
        }
        var secret = await protector.UnprotectAsync(ProtectionScopes.Agency(subscription.AgencyCode), subscription.SecretProtected, cancellationToken);
        if (secret is null)
        {
            subscription.Active = false;
            subscription.LastError = "secret destroyed";
            await db.SaveChangesAsync(cancellationToken);
            return 0;
        }

        var delivered = 0;
        foreach (var change in changes)
        {
            // Outside a FHIR Subscription's criteria: passed over, in order, as if delivered.
            if (!subscription.Wants(change)) { subscription.LastSequence = change.Sequence; continue; }
            var (error, unreachable) = await SendAsync(subscription, secret, change, cancellationToken);
            now = clock.GetUtcNow().UtcDateTime;
            circuits.Record(subscription.Url, unreachable, now);
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
        return delivered;
    }

    /// <summary>Sends a dead-lettered change again, once; null when delivered, else the error.</summary>
    public async Task<string?> ResendAsync(WebhookSubscription subscription, WebhookDeadLetter deadLetter, CancellationToken cancellationToken)
    {
        var change = await db.Changes.AsNoTracking().SingleOrDefaultAsync(c => c.Sequence == deadLetter.ChangeSequence, cancellationToken);
        if (change is null) return "the change is no longer kept";
        var secret = await protector.UnprotectAsync(ProtectionScopes.Agency(subscription.AgencyCode), subscription.SecretProtected, cancellationToken);
        if (secret is null) return "secret destroyed";
        var (error, _) = await SendAsync(subscription, secret, change, cancellationToken);
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

    /// <summary>Null error when delivered; <c>Unreachable</c> when the endpoint timed out or could not be connected to (what trips its circuit).</summary>
    private async Task<(string? Error, bool Unreachable)> SendAsync(WebhookSubscription subscription, string secret, ReferralChange change, CancellationToken cancellationToken)
    {
        // An R4 rest-hook Subscription without payload is "just a notification": an empty POST, signed all the same.
        var fhir = subscription.Format == WebhookFormats.FhirRestHook;
        var body = fhir ? "" : JsonSerializer.Serialize(WebhookEvent.From(subscription.Id, change), Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = fhir ? new ByteArrayContent([]) : new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, $"{subscription.Id:N}-{change.Sequence}");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await http.CreateClient(WebhookDeliveryRegistration.HttpClientName).SendAsync(request, timeout.Token);
            return (response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}", false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (ex.GetType().Name, true);
        }
    }
}

/// <summary>
/// Polls for due subscriptions and delivers up to <see cref="WebhookOptions.MaxParallelDeliveries"/> of them at once,
/// each on its own: a slow or unreachable receiver holds one slot, never the others' callbacks (no round waits for
/// the slowest). One subscription is never delivered twice at once, so its changes keep their order. Callbacks are
/// sent from the change log, so a crash only delays them.
/// </summary>
internal sealed class WebhookDispatcher(
    IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ServiceLeases<ReferralsDbContext> leases, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Task> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // One replica delivers at a time, so a callback is not sent twice by two replicas (a lease).
                var free = Math.Max(1, options.Value.MaxParallelDeliveries) - _inFlight.Count;
                if (free > 0 && await leases.HoldAsync("webhooks", stoppingToken))
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var due = await scope.ServiceProvider.GetRequiredService<WebhookSender>().DueAsync(free, [.. _inFlight.Keys], stoppingToken);
                    foreach (var id in due)
                    {
                        // Recorded before it starts, so its own clean-up (TryRemove) always finds it.
                        var delivery = new Task<Task>(() => DeliverAsync(id, stoppingToken));
                        _inFlight[id] = delivery.Unwrap();
                        delivery.Start(TaskScheduler.Default);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Webhook delivery round failed; retrying");
            }

            try { await Task.Delay(options.Value.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
        await Task.WhenAll(_inFlight.Values);
    }

    private async Task DeliverAsync(Guid subscriptionId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<WebhookSender>().DeliverAsync(subscriptionId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (DbUpdateConcurrencyException)
        {
            // Expected: the webhook was stopped or changed while a callback was out; the next round reads it afresh.
            logger.LogInformation("Webhook {SubscriptionId}: changed during delivery; read again next round", subscriptionId);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Webhook {SubscriptionId}: delivery failed; retrying", subscriptionId);
        }
        finally
        {
            _inFlight.TryRemove(subscriptionId, out _);
        }
    }
}

/// <summary>
/// Per-endpoint circuit (scheme, host and port, whichever agency's subscription calls it): after
/// <see cref="WebhookOptions.CircuitFailures"/> timeouts or connection failures in a row, calls to it stop for
/// <see cref="WebhookOptions.CircuitOpenFor"/>, so a dead receiver shared by many subscriptions does not eat a timeout
/// per subscription per round. An endpoint that answers, even with an error status, is reachable and keeps it closed.
/// In memory: a restart closes every circuit, which costs a few more timeouts at most.
/// </summary>
public sealed class WebhookCircuits(IOptions<WebhookOptions> options)
{
    public const string OpenError = "endpoint unreachable, calls paused (circuit open)";

    private readonly ConcurrentDictionary<string, State> _endpoints = new(StringComparer.OrdinalIgnoreCase);

    public DateTime? OpenUntil(string url, DateTime now) =>
        _endpoints.TryGetValue(Endpoint(url), out var state) && state.OpenUntil > now ? state.OpenUntil : null;

    public void Record(string url, bool unreachable, DateTime now)
    {
        var state = _endpoints.GetOrAdd(Endpoint(url), _ => new State());
        lock (state)
        {
            if (!unreachable)
            {
                state.Failures = 0;
                return;
            }
            if (++state.Failures < Math.Max(1, options.Value.CircuitFailures)) return;
            state.Failures = 0;
            state.OpenUntil = now + options.Value.CircuitOpenFor;
        }
    }

    private static string Endpoint(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;

    private sealed class State
    {
        public int Failures;

        public DateTime OpenUntil;
    }
}
