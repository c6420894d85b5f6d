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

    private static async Task<Results<Ok<List<ConsentView>>, ProblemHttpResult>> HistoryAsync(
        string caseCode, ClaimsPrincipal user, ConsentRegistryDbContext db, IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || !ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var versions = await db.Consents.AsNoTracking()
            .Where(c => c.AgencyCode == agency && c.CaseCode == caseCode)
            .OrderBy(c => c.Version)
            .ToListAsync(cancellationToken);
        if (versions.Count == 0) return Problems.NotFound("No consent is recorded for this case in your agency.");

        var views = new List<ConsentView>(versions.Count);
        foreach (var version in versions) views.Add(await ConsentBodies.ToViewAsync(version, protector, cancellationToken));
        return TypedResults.Ok(views);
    }
}
