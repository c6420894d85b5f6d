using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Consents;
using ReferralHub.Consent.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Decisions.Audit;

public sealed record DecisionView(
    Guid DecisionId,
    DateTime DecidedAt,
    string RequestedBy,
    string Channel,
    string Purpose,
    string RecipientOrganisation,
    string ReleaseReference,
    bool Consume,
    bool Permitted,
    string? Reason,
    Guid? ConsentId,
    int? ConsentVersion,
    Guid? OverrideId,
    IReadOnlyList<string> WithheldItems);

/// <summary>GET /api/v1/consents/{caseCode}/decisions: the append-only log of one case, for its own agency only.</summary>
internal static class DecisionLog
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapGet("/{caseCode}/decisions", HandleAsync).WithName("ConsentDecisions").RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));

    /// <summary>The log in the order decisions were made, a page at a time (keyset on decision time and id).</summary>
    private static async Task<Results<Ok<Page<DecisionView>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        string caseCode, string? cursor, int? limit, ClaimsPrincipal user, ConsentRegistryDbContext db, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || !ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var query = db.Decisions.AsNoTracking().Where(d => d.AgencyCode == agency && d.CaseCode == caseCode);
        if (after is { } a) query = query.Where(d => d.DecidedAt > a.At || (d.DecidedAt == a.At && d.Id.CompareTo(a.Id) > 0));
        var decisions = await query.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        if (decisions.Count == 0
            && !await db.Decisions.AnyAsync(d => d.AgencyCode == agency && d.CaseCode == caseCode, cancellationToken)
            && !await db.Consents.AnyAsync(c => c.AgencyCode == agency && c.CaseCode == caseCode, cancellationToken)
            && !await db.Overrides.AnyAsync(o => o.AgencyCode == agency && o.CaseCode == caseCode, cancellationToken))
        {
            return Problems.NotFound("No consent is recorded for this case in your agency.");
        }

        return TypedResults.Ok(Paging.Trim(decisions, take, d => Paging.Cursor(d.DecidedAt, d.Id)).Map(d => new DecisionView(
            d.Id, d.DecidedAt, d.RequestedBy, d.Channel, d.Purpose, d.RecipientOrganisation, d.ReleaseReference, d.Consume,
            d.Permitted, d.Reason, d.ConsentId, d.ConsentVersion, d.OverrideId, d.WithheldItems)));
    }
}
