using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Protection;
using ReferralHub.Consent.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Consents.Query;

/// <summary>GET the version in force and the full history, for the owning agency only (others get 404).</summary>
internal static class GetConsent
{
    public static void Map(RouteGroupBuilder consents)
    {
        consents.MapGet("/{caseCode}", CurrentAsync).WithName("GetConsent").RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));
        consents.MapGet("/{caseCode}/history", HistoryAsync).WithName("ConsentHistory").RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));
    }

    private static async Task<Results<Ok<ConsentView>, ProblemHttpResult>> CurrentAsync(
        string caseCode, ClaimsPrincipal user, ConsentRegistryDbContext db, IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || !ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var current = await db.CurrentAsync(agency, caseCode, cancellationToken);
        return current is null ? Problems.NotFound("No consent is recorded for this case in your agency.") : TypedResults.Ok(await ConsentBodies.ToViewAsync(current, protector, cancellationToken));
    }

    /// <summary>Every version, oldest first, a page at a time (the cursor is the last version number given).</summary>
    private static async Task<Results<Ok<Page<ConsentView>>, ValidationProblem, ProblemHttpResult>> HistoryAsync(
        string caseCode, string? cursor, int? limit, ClaimsPrincipal user, ConsentRegistryDbContext db, IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || !ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadSequence(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var versions = await db.Consents.AsNoTracking()
            .Where(c => c.AgencyCode == agency && c.CaseCode == caseCode && c.Version > after)
            .OrderBy(c => c.Version)
            .Take(take + 1)
            .ToListAsync(cancellationToken);
        if (versions.Count == 0 && !await db.Consents.AnyAsync(c => c.AgencyCode == agency && c.CaseCode == caseCode, cancellationToken))
            return Problems.NotFound("No consent is recorded for this case in your agency.");

        var page = Paging.Trim(versions, take, v => Paging.Cursor(v.Version));
        var views = new List<ConsentView>(page.Items.Count);
        foreach (var version in page.Items) views.Add(await ConsentBodies.ToViewAsync(version, protector, cancellationToken));
        return TypedResults.Ok(new Page<ConsentView>(views, page.NextCursor));
    }
}
