using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Submit;

public static class SubmitReferralEndpoint
{
    public const int MaxBodyBytes = 64 * 1024;

    private static JsonSerializerOptions Json => ReferralJson.Options;

    // Compiled once: every submission asks it, and EF's per-call work on a LINQ query (parameter extraction, hashing
    // the expression tree for its cache) cost as much as the statement (issue 17's profile).
    private static readonly CompiledQuery<Func<ReferralsDbContext, string, string, CancellationToken, Task<Referral?>>> ByIdempotencyKey = new(() => EF.CompileAsyncQuery(
        (ReferralsDbContext db, string agency, string key, CancellationToken _) =>
            db.Referrals.AsNoTracking().SingleOrDefault(r => r.OriginAgencyCode == agency && r.IdempotencyKey == key)));

    public static RouteGroupBuilder MapSubmitReferral(this RouteGroupBuilder group)
    {
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(p => p.RequireRole(Roles.Referrer))
            .Accepts<SubmitReferralRequest>("application/json")
            .WithName("SubmitReferral")
            .TakesIdempotencyKey(required: true, maxLength: 200)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity) // the key was used with another body
            .WithSummary("Send a referral (Idempotency-Key header required); answers 202 with its id, status and Location.");
        return group;
    }

    /// <summary><paramref name="Replayed"/>: this Idempotency-Key had already created the referral (nothing new stored).</summary>
    public sealed record Accepted(Guid Id, string Status, string? Reason, string Location, bool Replayed = false);

    private static async Task<Results<Accepted<Accepted>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest http, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, TimeProvider clock,
        IRequestClient<ResolvePathway> directory, GroupCommit<ReferralsDbContext> groupCommit, ILogger<SubmitReferralRequest> logger,
        CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        if (string.IsNullOrEmpty(agency)) return Problems.Forbidden("This needs a token with 'agency'.");

        var key = http.Headers[IdempotencyKeyHeader.Name].ToString();
        if (string.IsNullOrWhiteSpace(key)) return Problems.Invalid(IdempotencyKeyHeader.Name, "header required: a unique key per referral, reused when retrying");
        if (key.Length > 200) return Problems.Invalid("Idempotency-Key", "at most 200 characters");

        if (!http.HasJsonContentType())
            return TypedResults.Problem("Send the referral as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        if (http.ContentLength > MaxBodyBytes)
            return TypedResults.Problem($"The body is larger than {MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");

        var (request, readError) = await ReadAsync(http, cancellationToken);
        if (readError is not null) return readError;

        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var errors = request!.Validate(today);
        if (errors.Any) return Problems.Invalid(errors);

        // The same key again: same body → the same referral; another body → 422. Nothing new is stored either way.
        var hash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Json)));
        var existing = await ByIdempotencyKey.For(db)(db, agency, key, cancellationToken);
        if (existing is not null) return await ReplayAsync(existing, hash, vault, cancellationToken);

        PathwayResolved pathway;
        try
        {
            var response = await directory.GetResponse<PathwayResolved>(new ResolvePathway(
                request.ServiceId is null ? request.AreaCode : null, request.ServiceType, request.Age(today), request.Child?.Sex,
                request.Child?.Languages?.FirstOrDefault(), ServiceId: request.ServiceId), cancellationToken, RequestTimeout.After(s: 15));
            pathway = response.Message;
        }
        catch (RequestTimeoutException)
        {
            return Problems.Unavailable("The directory did not answer; nothing was stored. Retry with the same Idempotency-Key.");
        }

        if (request.ServiceId is { } serviceId)
        {
            var service = pathway.Services.FirstOrDefault(s => s.Id == serviceId);
            if (service is null) return Problems.Invalid("serviceId", "no such service in the directory");
            if (service.ServiceType != request.ServiceType) return Problems.Invalid("serviceType", $"service {serviceId} provides '{service.ServiceType}'");
        }
        else if (!pathway.AreaKnown)
        {
            return Problems.Invalid("areaCode", "no such area in the directory");
        }

        var candidates = pathway.Services
            .Where(s => request.ServiceId is null || s.Id == request.ServiceId)
            .Select(s => new Candidate(s.Id, s.OrganisationCode, s.Name, s.FocalPoints.FirstOrDefault()?.Id, s.FocalPoints.FirstOrDefault()?.Name))
            .ToList();

        var referral = new Referral
        {
            Id = NewId.NextGuid(),
            AgencyCode = agency,
            CaseCode = request.CaseCode!,
            OriginAgencyCode = agency,
            OriginCaseCode = request.CaseCode!,
            SubmittedBy = user.ClientOrUserId() ?? agency,
            IdempotencyKey = key,
            RequestHashProtected = "",
            ServiceType = request.ServiceType!,
            AreaCode = request.AreaCode,
            TargetServiceId = request.ServiceId,
            Priority = request.Priority!,
            CandidatesJson = JsonSerializer.Serialize(candidates, Json),
            ReofferToNext = request.ServiceId is null && pathway.ReofferToNext,
            EscalationFocalPointsJson = JsonSerializer.Serialize(pathway.ChildProtectionFocalPoints.Select(f => f.Id), Json),
            PayloadProtected = "",
            SummaryProtected = "",
            CreatedAt = now,
        };
        var scope = ReferralVault.Scope(referral);
        referral.RequestHashProtected = await vault.ProtectTextAsync(scope, hash, cancellationToken);
        referral.PayloadProtected = await vault.ProtectAsync(scope, request.ToPayload(), cancellationToken);
        referral.SummaryProtected = await vault.ProtectAsync(scope, new ReferralSummary(
            SubmitReferralRequest.AgeBand(request.Age(today)), request.Child?.Sex, request.Child?.Languages ?? [], request.Child?.CommunicationNeeds), cancellationToken);

        db.Referrals.Add(referral);
        if (candidates.Count == 0)
        {
            db.MoveTo(referral, ReferralStatuses.Unplaced, RoutingReasons.NoServiceAvailable, now, clock);
        }
        else
        {
            db.MoveTo(referral, ReferralStatuses.Submitted, null, now, clock);
            db.PublishViaOutbox(new ReferralSubmitted(referral.Id, agency, referral.ServiceType, referral.AreaCode, referral.Priority,
                referral.RoutingStep, now), ReferralLog.AggregateId(referral.Id), clock);
        }

        try
        {
            // The referral, its history row and its outbox message commit together, in one transaction with other
            // submissions waiting at the same moment: one fsync of referrals.db for the group (docs/benchmarks.md).
            await groupCommit.SaveAsync(db, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent retry with the same key may have won the insert: answer as for a replay.
            db.ChangeTracker.Clear();
            var winner = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.OriginAgencyCode == agency && r.IdempotencyKey == key, cancellationToken);
            if (winner is null) throw;
            logger.LogInformation("Referral submission by {Agency} lost an Idempotency-Key race to {ReferralId}; answered as a replay", agency, winner.Id);
            return await ReplayAsync(winner, hash, vault, cancellationToken);
        }

        logger.LogInformation("Referral {ReferralId} submitted by {Agency} for {ServiceType}: {Status}", referral.Id, agency, referral.ServiceType, referral.Status);
        return TypedResults.Accepted(Location(referral.Id), new Accepted(referral.Id, referral.Status, referral.StatusReason, Location(referral.Id)));
    }

    public static string Location(Guid id) => $"/api/v1/referrals/{id}";

    private static async Task<Results<Accepted<Accepted>, ValidationProblem, ProblemHttpResult>> ReplayAsync(
        Referral existing, string hash, ReferralVault vault, CancellationToken cancellationToken)
    {
        if (!await vault.RequestHashMatchesAsync(existing, hash, cancellationToken))
            return TypedResults.Problem("This Idempotency-Key was already used with a different body.", statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency-Key reused");
        return TypedResults.Accepted(Location(existing.Id), new Accepted(existing.Id, existing.Status, existing.StatusReason, Location(existing.Id), Replayed: true));
    }

    private static async Task<(SubmitReferralRequest?, ProblemHttpResult?)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        // Read at most MaxBodyBytes + 1 so an oversized body without Content-Length is refused too.
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
                return (null, TypedResults.Problem($"The body is larger than {MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large"));
        }

        try
        {
            var request = JsonSerializer.Deserialize<SubmitReferralRequest>(buffer.ToArray(), Json);
            return request is null
                ? (null, TypedResults.Problem("The body must be a JSON object.", statusCode: StatusCodes.Status400BadRequest, title: "The request could not be read."))
                : (request, null);
        }
        catch (JsonException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "$" : ex.Path.TrimStart('$', '.');
            var problem = TypedResults.Problem($"The value at '{path}' is not valid for its field.", statusCode: StatusCodes.Status400BadRequest,
                title: "The request could not be read.", extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [path] = ["invalid value"] } });
            return (null, problem);
        }
    }
}
