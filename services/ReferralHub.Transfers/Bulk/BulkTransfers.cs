using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Bulk;

public sealed record BulkCaseBody(string? CaseCode, string? AreaCode, string? AgeBand, string? Sex, string? RiskLevel, [ItemLimit(20)] List<string?>? ProtectionConcerns, [ItemLimit(20)] List<string?>? Languages);

public sealed record BulkReceiverBody(string? AreaCode, string? Agency);

/// <summary>POST /api/v1/transfers/bulk body: the cases (with their non-personal capacity summary) and a receiving agency per area.</summary>
public sealed record BulkTransferBody(string? Reason, string? Urgency, [ItemLimit(10_000)] List<BulkCaseBody?>? Cases, List<BulkReceiverBody?>? Receivers);

public sealed record BulkCaseReport(string CaseCode, string AreaCode, string Outcome, string? ConsentReason, string? ReceivingAgency, Guid? TransferId, string? Action);

public sealed record CaseworkerCapacity(string ReceivingAgency, string CaseworkerId, int Cases, bool OverLimit);

/// <summary>The consent review report (seed 001: "a review of all case files to confirm consent on sharing information").</summary>
public sealed record BulkJobView(
    Guid Id, string Status, int Total, int Processed, IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyList<BulkCaseReport> Proceeding, IReadOnlyList<BulkCaseReport> NotHandedOver,
    IReadOnlyList<CaseworkerCapacity> CapacityPerCaseworker, DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>
/// One caseload transfer job in the agency's list: what was asked, how far it got and how many cases each outcome has,
/// without the cases themselves (they are in the job's report, GET /api/v1/transfers/bulk/{id}).
/// </summary>
public sealed record BulkJobSummary(
    Guid Id, string Status, string Reason, string Urgency, int Total, int Processed,
    IReadOnlyDictionary<string, int> Outcomes, IReadOnlyList<BulkJobReceiver> Receivers, DateTime CreatedAt, DateTime? CompletedAt);

/// <summary>The receiving agency named for an area of a caseload transfer job.</summary>
public sealed record BulkJobReceiver(string AreaCode, string Agency);

/// <summary>
/// Whole-caseload transfer: POST /api/v1/transfers/bulk (role supervisor or agency-admin) records the job and every
/// case in one transaction and answers 202; <see cref="BulkTransferRunner"/> works through it in committed batches.
/// GET /api/v1/transfers/bulk/{id}: progress and the consent review report. GET /api/v1/transfers/bulk: the agency's
/// jobs, newest first, a page at a time, so a supervisor finds a report without its id.
/// </summary>
internal static class BulkTransfers
{
    public const int MaxCases = 10_000;

    public static void Map(RouteGroupBuilder transfers)
    {
        transfers.MapPost("/bulk", SubmitAsync).WithName("SubmitBulkTransfer").TakesIdempotencyKey(required: false, maxLength: 100).ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.AgencyAdmin))
            .WithBodyLimit(4 * 1024 * 1024); // up to MaxCases non-personal summaries
        transfers.MapGet("/bulk", ListAsync).WithName("ListBulkTransfers").RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.AgencyAdmin));
        transfers.MapGet("/bulk/{id:guid}", GetAsync).WithName("GetBulkTransfer").RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.AgencyAdmin));
    }

    private static async Task<Results<Accepted<BulkJobView>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        BulkTransferBody body, HttpRequest request, ClaimsPrincipal user, TransfersDbContext db, IRequestClient<ResolvePathway> pathways,
        TimeProvider clock, BulkSignal signal, ILogger<BulkTransferBody> logger, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject)
            return Problems.Forbidden("The token names no agency.");
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 100) return Problems.Invalid("Idempotency-Key", "At most 100 characters.");
        if (key.Length > 0 && await db.BulkJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Agency == agency && j.IdempotencyKey == key, cancellationToken) is { } earlier)
            return TypedResults.Accepted($"/api/v1/transfers/bulk/{earlier.Id}", await ReportAsync(db, earlier, cancellationToken));

        var errors = new FieldErrors();
        if (body.Reason is null || !TransferCodes.Reasons.Contains(body.Reason) || body.Reason == "other")
            errors.Add("reason", $"Good cause: one of {string.Join(", ", TransferCodes.Reasons.Where(r => r != "other"))}.");
        if (body.Urgency is null || !TransferCodes.Urgencies.Contains(body.Urgency)) errors.Add("urgency", $"One of {string.Join(", ", TransferCodes.Urgencies)}.");
        var cases = body.Cases ?? [];
        if (cases.Count is 0 or > MaxCases) errors.Add("cases", $"Between 1 and {MaxCases} cases.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cases.Count && errors.Count < 50; i++)
        {
            var c = cases[i];
            var f = $"cases[{i}]";
            if (c is null) { errors.Add(f, "Required."); continue; }
            if (!TransferCodes.IsCode(c.CaseCode)) errors.Add($"{f}.caseCode", "A case code.");
            else if (!seen.Add(c.CaseCode!)) errors.Add($"{f}.caseCode", "Listed twice.");
            if (!TransferCodes.IsCode(c.AreaCode)) errors.Add($"{f}.areaCode", "An area code.");
            if (c.AgeBand is null || !AgeBands.All.Contains(c.AgeBand)) errors.Add($"{f}.ageBand", $"One of {string.Join(", ", AgeBands.All)}.");
            if (c.Sex is null || !TransferCodes.Sexes.Contains(c.Sex)) errors.Add($"{f}.sex", $"One of {string.Join(", ", TransferCodes.Sexes)}.");
            if (c.RiskLevel is null || !TransferCodes.RiskLevels.Contains(c.RiskLevel)) errors.Add($"{f}.riskLevel", $"One of {string.Join(", ", TransferCodes.RiskLevels)}.");
            if ((c.ProtectionConcerns ?? []).Any(x => !TransferCodes.IsCode(x))) errors.Add($"{f}.protectionConcerns", "Codes only.");
            if ((c.Languages ?? []).Any(x => !TransferCodes.IsCode(x))) errors.Add($"{f}.languages", "Codes only.");
        }
        var receivers = new Dictionary<string, string>(StringComparer.Ordinal);
        var receiverBodies = body.Receivers ?? [];
        for (var i = 0; i < receiverBodies.Count; i++)
        {
            var r = receiverBodies[i];
            if (r is null || !TransferCodes.IsCode(r.AreaCode) || !TransferCodes.IsCode(r.Agency)) { errors.Add($"receivers[{i}]", "areaCode and agency codes are required."); continue; }
            if (r.Agency == agency) errors.Add($"receivers[{i}].agency", "A case cannot be transferred to your own agency.");
            else if (!receivers.TryAdd(r.AreaCode!, r.Agency!)) errors.Add($"receivers[{i}].areaCode", "One receiving agency per area.");
        }
        if (receivers.Count == 0) errors.Add("receivers", "At least one receiving agency for an area.");
        if (errors.Any) return Problems.Invalid(errors);

        for (var i = 0; i < receiverBodies.Count; i++)
        {
            var r = receiverBodies[i]!;
            var resolved = (await pathways.GetResponse<PathwayResolved>(new ResolvePathway(r.AreaCode, ServiceTypes.CaseManagement), cancellationToken)).Message;
            if (!resolved.AreaKnown) errors.Add($"receivers[{i}].areaCode", $"Unknown area '{r.AreaCode}'.");
            else if (!resolved.Services.Any(s => s.OrganisationCode == r.Agency))
                errors.Add($"receivers[{i}].agency", $"'{r.Agency}' is not a case management agency accepting cases in area '{r.AreaCode}'.");
        }
        if (errors.Any) return Problems.Invalid(errors);

        var now = clock.GetUtcNow().UtcDateTime;
        var job = new BulkTransferJob
        {
            Id = Guid.CreateVersion7(), Agency = agency, RequestedBy = subject, IdempotencyKey = key.Length > 0 ? key : null,
            Reason = body.Reason!, Urgency = body.Urgency!, Receivers = [.. receivers.Select(r => $"{r.Key}={r.Value}")],
            Status = BulkTransferJob.Queued, Total = cases.Count, CreatedAt = now,
        };
        db.BulkJobs.Add(job);
        var position = 0;
        foreach (var c in cases)
        {
            db.BulkCases.Add(new BulkTransferCase
            {
                Id = Guid.CreateVersion7(), JobId = job.Id, Position = position++, CaseCode = c!.CaseCode!, AreaCode = c.AreaCode!,
                AgeBand = c.AgeBand!, Sex = c.Sex!, RiskLevel = c.RiskLevel!,
                ProtectionConcerns = [.. (c.ProtectionConcerns ?? []).Select(x => x!)], Languages = [.. (c.Languages ?? []).Select(x => x!)],
            });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (key.Length > 0)
        {
            db.ChangeTracker.Clear();
            var winner = await db.BulkJobs.AsNoTracking().SingleAsync(j => j.Agency == agency && j.IdempotencyKey == key, cancellationToken);
            return TypedResults.Accepted($"/api/v1/transfers/bulk/{winner.Id}", await ReportAsync(db, winner, cancellationToken));
        }
        signal.Notify();
        logger.LogInformation("Bulk transfer job {JobId} of {Count} cases queued for agency {Agency}", job.Id, job.Total, agency);
        return TypedResults.Accepted($"/api/v1/transfers/bulk/{job.Id}", await ReportAsync(db, job, cancellationToken));
    }

    private static async Task<Results<Ok<BulkJobView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var agency = user.Agency();
        var job = await db.BulkJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.Agency == agency, cancellationToken);
        return job is null
            ? Problems.NotFound("No such bulk transfer for your agency.")
            : TypedResults.Ok(await ReportAsync(db, job, cancellationToken));
    }

    /// <summary>The caller's agency's caseload transfer jobs, newest first (keyset on creation time and id).</summary>
    private static async Task<Results<Ok<Page<BulkJobSummary>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, TransfersDbContext db, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency) return Problems.Forbidden("The token names no agency.");
        var errors = new FieldErrors();
        var (take, position) = Paging.Read(errors, cursor, limit, defaultLimit: 50);
        var after = Query.ListCursor.Parse(position);
        if (position is not null && after is null) errors.Add("cursor", "is not a cursor this API returned");
        if (errors.Any) return Problems.Invalid(errors);
        var query = db.BulkJobs.AsNoTracking().Where(j => j.Agency == agency);
        if (after is { } a) query = query.Where(j => j.CreatedAt < a.At || (j.CreatedAt == a.At && j.Id.CompareTo(a.Id) < 0));
        var jobs = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(take + 1).ToListAsync(cancellationToken);
        var more = jobs.Count > take;
        if (more) jobs.RemoveAt(take);
        var ids = jobs.Select(j => j.Id).ToList();
        var counts = await db.BulkCases.AsNoTracking()
            .Where(c => ids.Contains(c.JobId) && c.Outcome != null)
            .GroupBy(c => new { c.JobId, c.Outcome })
            .Select(g => new { g.Key.JobId, g.Key.Outcome, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var items = jobs.Select(j => new BulkJobSummary(
            j.Id, j.Status, j.Reason, j.Urgency, j.Total, j.Processed,
            counts.Where(c => c.JobId == j.Id).ToDictionary(c => c.Outcome!, c => c.Count),
            j.Receivers.Select(r => r.Split('=', 2)).Select(r => new BulkJobReceiver(r[0], r.Length > 1 ? r[1] : "")).ToList(),
            j.CreatedAt, j.CompletedAt)).ToList();
        return TypedResults.Ok(new Page<BulkJobSummary>(items, more ? Paging.Cursor(Query.ListCursor.Format(jobs[^1].CreatedAt, jobs[^1].Id)) : null));
    }

    public static async Task<BulkJobView> ReportAsync(TransfersDbContext db, BulkTransferJob job, CancellationToken cancellationToken)
    {
        var rows = await db.BulkCases.AsNoTracking().Where(c => c.JobId == job.Id && c.Outcome != null).OrderBy(c => c.Position).ToListAsync(cancellationToken);
        var outcomes = rows.GroupBy(r => r.Outcome!).ToDictionary(g => g.Key, g => g.Count());
        var proceeding = rows.Where(r => r.Outcome == BulkOutcomes.Proceeding).Select(r => Report(r)).ToList();
        var notHandedOver = rows.Where(r => r.Outcome != BulkOutcomes.Proceeding).Select(r => Report(r)).ToList();

        var transferIds = rows.Where(r => r.TransferId != null).Select(r => r.TransferId!.Value).ToList();
        var caseworkers = await db.Transfers.AsNoTracking()
            .Where(t => transferIds.Contains(t.Id) && t.ReceivingCaseworkerId != null)
            .Select(t => new { t.ReceivingAgency, t.ReceivingCaseworkerId }).Distinct().ToListAsync(cancellationToken);
        var capacity = new List<CaseworkerCapacity>();
        foreach (var cw in caseworkers)
        {
            var load = await Transfers.Capacity.Caseloads.OfAsync(db, cw.ReceivingAgency, cw.ReceivingCaseworkerId!, cancellationToken);
            capacity.Add(new CaseworkerCapacity(cw.ReceivingAgency, cw.ReceivingCaseworkerId!, load, load > TransferCodes.CaseloadLimit));
        }
        return new BulkJobView(job.Id, job.Status, job.Total, job.Processed, outcomes, proceeding, notHandedOver, capacity, job.CreatedAt, job.CompletedAt);
    }

    private static BulkCaseReport Report(BulkTransferCase r) => new(r.CaseCode, r.AreaCode, r.Outcome!, r.ConsentReason, r.ReceivingAgency, r.TransferId, r.Outcome switch
    {
        BulkOutcomes.Proceeding => null,
        BulkOutcomes.NoConsent => "Contact the child/family to ask whether they consent to the handover (seed 001), record the consent for case-transfer, then request the transfer of this case.",
        BulkOutcomes.ConsentWithdrawn => "The consent was withdrawn: do not hand the file over; discuss with the child/family and the supervisor what continuity of care is possible.",
        BulkOutcomes.AlreadyTransferring => "An open transfer of this case exists; follow it.",
        BulkOutcomes.AlreadyTransferred => "The case was already handed over.",
        BulkOutcomes.NoReceiver => "Name a receiving case management agency for this area and submit the case again.",
        _ => null,
    });
}

/// <summary>Wakes the runner when a job is queued.</summary>
public sealed class BulkSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
