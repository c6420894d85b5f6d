using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Consents;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Overrides.Query;

public sealed record OverrideRecordView(
    Guid OverrideId, string ReleaseReference, string Ground, string? Justification, string Supervisor, DateTime AuthorisedAt, bool Used);

/// <summary>GET /api/v1/consents/{caseCode}/overrides: who authorised what, on which ground and why — for the owning agency only.</summary>
internal static class ListOverrides
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapGet("/{caseCode}/overrides", HandleAsync).WithName("ListConsentOverrides").RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));

    private static async Task<Results<Ok<List<OverrideRecordView>>, ProblemHttpResult>> HandleAsync(
        string caseCode, ClaimsPrincipal user, ConsentRegistryDbContext db, IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || !ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var overrides = await db.Overrides.AsNoTracking()
            .Where(o => o.AgencyCode == agency && o.CaseCode == caseCode)
            .OrderBy(o => o.AuthorisedAt)
            .ToListAsync(cancellationToken);
        if (overrides.Count == 0) return Problems.NotFound("No consent is recorded for this case in your agency.");

        var sources = overrides.Select(o => $"override:{o.Id}").ToList();
        var used = await db.ReleaseUses.AsNoTracking().Where(u => sources.Contains(u.SourceId)).Select(u => u.SourceId).ToListAsync(cancellationToken);
        var views = new List<OverrideRecordView>(overrides.Count);
        foreach (var entry in overrides)
        {
            var justification = await protector.UnprotectAsync(agency, caseCode, entry.ProtectedJustification, cancellationToken);
            views.Add(new OverrideRecordView(entry.Id, entry.ReleaseReference, entry.Ground, justification, entry.Supervisor, entry.AuthorisedAt,
                used.Contains($"override:{entry.Id}")));
        }
        return TypedResults.Ok(views);
    }
}
