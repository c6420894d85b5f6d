using System.Security.Claims;
using System.Security.Cryptography;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Webhooks;

/// <summary>
/// <paramref name="Format"/> (default hub-event), <paramref name="Criteria"/>, <paramref name="Statuses"/> and
/// <paramref name="ServiceId"/>: a FHIR Subscription registered by the FHIR facade (docs/fhir.md).
/// </summary>
public sealed record RegisterWebhookRequest(string? Url, string? Secret, string? Format = null, string? Criteria = null,
    IReadOnlyList<string>? Statuses = null, Guid? ServiceId = null);

/// <summary>The secret is shown once, at registration.</summary>
public sealed record WebhookRegistered(Guid Id, string Url, string Secret);

public sealed record WebhookView(Guid Id, string Url, bool Active, long LastSequence, int Attempts, DateTime NextAttemptAt, string? LastError, int DeadLetters,
    string Format, string? Criteria);

public sealed record DeadLetterView(Guid Id, long ChangeSequence, int Attempts, string? LastError, DateTime DeadAt, DateTime? ResentAt);

public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder group)
    {
        var hooks = group.MapGroup("/webhooks").RequireAuthorization(p => p.RequireRole(Roles.AgencyAdmin)).WithTags("Webhooks");
        hooks.MapPost("/", RegisterAsync).WithName("RegisterWebhook").ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Register the agency's callback URL; every status change of its referrals is POSTed, signed with HMAC-SHA256.");
        hooks.MapGet("/", ListAsync).WithName("ListWebhooks");
        hooks.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteWebhook");
        hooks.MapGet("/{id:guid}/dead-letters", DeadLettersAsync).WithName("WebhookDeadLetters");
        hooks.MapPost("/{id:guid}/dead-letters/{deadLetterId:guid}/resend", ResendAsync).WithName("ResendWebhook");
        hooks.MapWebhookDeliveryLog();
        return group;
    }

    private static async Task<Results<Created<WebhookRegistered>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterWebhookRequest body, ClaimsPrincipal user, ReferralsDbContext db, IPersonalDataProtector<ReferralsDbContext> protector, TimeProvider clock,
        IHostEnvironment environment, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || environment.IsDevelopment()))))
            errors.Add("url", "an absolute https URL (http only for loopback or in Development)");
        else if (!options.Value.PrivateNetworksAllowed(environment) && WebhookAddressGuard.NamesForbiddenHost(url))
            errors.Add("url", $"not allowed: {WebhookAddressGuard.Refusal}");
        errors.MaxLength("url", body.Url, 2000);
        if (body.Secret is { Length: < 16 or > 200 }) errors.Add("secret", "16 to 200 characters, or leave it out to get one generated");
        var format = body.Format ?? WebhookFormats.HubEvent;
        errors.OneOf("format", body.Format, WebhookFormats.All);
        errors.MaxLength("criteria", body.Criteria, 2000);
        if (body.Statuses is { } statuses)
            foreach (var status in statuses) errors.OneOf("statuses", status, ReferralStatuses.All);
        if (format == WebhookFormats.HubEvent && (body.Criteria ?? (object?)body.Statuses ?? body.ServiceId) is not null)
            errors.Add("format", "criteria, statuses and serviceId narrow a fhir-rest-hook subscription only");
        if (errors.Any) return Problems.Invalid(errors);

        var agency = user.Agency()!;
        var limit = options.Value.MaxPerAgency;
        var secret = body.Secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var secretProtected = await protector.ProtectAsync(ProtectionScopes.Agency(agency), secret, cancellationToken);
        // Every active webhook is polled and called: an agency cannot make the hub work for it without bound. The
        // count and the insert are one serializable step, so two registrations at the same moment cannot both pass.
        var subscription = await SerializableWrite.RunAsync(db, async ct =>
        {
            if (await db.WebhookSubscriptions.CountAsync(s => s.AgencyCode == agency && s.Active, ct) >= limit) return null;
            var now = clock.GetUtcNow().UtcDateTime;
            // Deliveries start from now: an agency registering late reads older changes from the change feed.
            var last = await db.Changes.Where(c => c.AgencyCode == agency).MaxAsync(c => (long?)c.Sequence, ct) ?? 0;
            var added = new WebhookSubscription
            {
                Id = NewId.NextGuid(),
                AgencyCode = agency,
                Url = url!.ToString(),
                SecretProtected = secretProtected,
                LastSequence = last,
                NextAttemptAt = now,
                CreatedBy = user.ClientOrUserId() ?? agency,
                CreatedAt = now,
                Format = format,
                Criteria = body.Criteria,
                StatusFilter = body.Statuses is { } wanted ? string.Join(',', wanted.Distinct()) : null,
                ServiceFilter = body.ServiceId,
            };
            db.WebhookSubscriptions.Add(added);
            await db.SaveChangesAsync(ct);
            return added;
        }, cancellationToken);
        if (subscription is null)
            return Problems.Conflict($"An agency may have at most {limit} active webhooks; delete one first.",
                "Webhook limit reached", extensions: new Dictionary<string, object?> { ["limit"] = limit, ["setting"] = "Referrals:Webhooks:MaxPerAgency" });
        return TypedResults.Created($"/api/v1/referrals/webhooks/{subscription.Id}", new WebhookRegistered(subscription.Id, subscription.Url, secret));
    }

    /// <summary>The agency's webhooks in the order they were registered, a page at a time (keyset on time and id).</summary>
    private static async Task<Results<Ok<Page<WebhookView>>, ValidationProblem>> ListAsync(
        string? cursor, int? limit, ClaimsPrincipal user, ReferralsDbContext db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var agency = user.Agency();
        var query = db.WebhookSubscriptions.AsNoTracking().Where(s => s.AgencyCode == agency);
        if (after is { } a) query = query.Where(s => s.CreatedAt > a.At || (s.CreatedAt == a.At && s.Id.CompareTo(a.Id) > 0));
        var rows = await query.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).Take(take + 1)
            .Select(s => new { s.CreatedAt, View = new WebhookView(s.Id, s.Url, s.Active, s.LastSequence, s.Attempts, s.NextAttemptAt, s.LastError,
                db.WebhookDeadLetters.Count(d => d.SubscriptionId == s.Id && d.ResentAt == null), s.Format, s.Criteria) })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Trim(rows, take, r => Paging.Cursor(r.CreatedAt, r.View.Id)).Map(r => r.View));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal user, ReferralsDbContext db, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        // One statement, not read-modify-write: the delivery loop bumps the row's version after every callback, and a
        // stop must win over a delivery in flight (that delivery's own save then fails its version check and stops).
        var stopped = await db.WebhookSubscriptions.Where(s => s.Id == id && s.AgencyCode == agency)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Active, false).SetProperty(s => s.Version, s => s.Version + 1), cancellationToken);
        return stopped == 0 ? Problems.NotFound("No such webhook.") : TypedResults.NoContent();
    }

    /// <summary>The webhook's dead letters in change order, a page at a time (the cursor is the last change's sequence).</summary>
    private static async Task<Results<Ok<Page<DeadLetterView>>, ValidationProblem, ProblemHttpResult>> DeadLettersAsync(
        Guid id, string? cursor, int? limit, ClaimsPrincipal user, ReferralsDbContext db, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id && s.AgencyCode == agency, cancellationToken))
            return Problems.NotFound("No such webhook.");
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadSequence(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        // A change is dead-lettered at most once per webhook (its cursor moves past it), so the sequence is a unique key.
        var letters = await db.WebhookDeadLetters.AsNoTracking().Where(d => d.SubscriptionId == id && d.ChangeSequence > after)
            .OrderBy(d => d.ChangeSequence).Take(take + 1)
            .Select(d => new DeadLetterView(d.Id, d.ChangeSequence, d.Attempts, d.LastError, d.DeadAt, d.ResentAt)).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Trim(letters, take, d => Paging.Cursor(d.ChangeSequence)));
    }

    private static async Task<Results<Ok<DeadLetterView>, ProblemHttpResult>> ResendAsync(
        Guid id, Guid deadLetterId, ClaimsPrincipal user, ReferralsDbContext db, WebhookSender sender, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var subscription = await db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id && s.AgencyCode == agency, cancellationToken);
        var letter = await db.WebhookDeadLetters.SingleOrDefaultAsync(d => d.Id == deadLetterId && d.SubscriptionId == id, cancellationToken);
        if (subscription is null || letter is null) return Problems.NotFound("No such dead letter.");
        var error = await sender.ResendAsync(subscription, letter, cancellationToken);
        var view = new DeadLetterView(letter.Id, letter.ChangeSequence, letter.Attempts, letter.LastError, letter.DeadAt, letter.ResentAt);
        return error is null ? TypedResults.Ok(view)
            : TypedResults.Problem($"The receiver did not accept the callback ({error}).", statusCode: StatusCodes.Status502BadGateway, title: "Re-send failed");
    }
}
