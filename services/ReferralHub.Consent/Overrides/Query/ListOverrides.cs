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

    /// <summary>Overrides in the order they were authorised, a page at a time (keyset on authorisation time and id).</summary>
    private static async Task<Results<Ok<Page<OverrideRecordView>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        string caseCode, string? cursor, int? limit, ClaimsPrincipal user, ConsentRegistryDbContext db, IConsentTextProtector protector, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || !ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var query = db.Overrides.AsNoTracking().Where(o => o.AgencyCode == agency && o.CaseCode == caseCode);
        if (after is { } a) query = query.Where(o => o.AuthorisedAt > a.At || (o.AuthorisedAt == a.At && o.Id.CompareTo(a.Id) > 0));
        var overrides = await query.OrderBy(o => o.AuthorisedAt).ThenBy(o => o.Id).Take(take + 1).ToListAsync(cancellationToken);
        if (overrides.Count == 0 && !await db.Overrides.AnyAsync(o => o.AgencyCode == agency && o.CaseCode == caseCode, cancellationToken))
            return Problems.NotFound("No consent is recorded for this case in your agency.");

        var page = Paging.Trim(overrides, take, o => Paging.Cursor(o.AuthorisedAt, o.Id));
        var sources = page.Items.Select(o => $"override:{o.Id}").ToList();
        var used = await db.ReleaseUses.AsNoTracking().Where(u => sources.Contains(u.SourceId)).Select(u => u.SourceId).ToListAsync(cancellationToken);
        var views = new List<OverrideRecordView>(page.Items.Count);
        foreach (var entry in page.Items)
        {
            var justification = await protector.UnprotectAsync(agency, caseCode, entry.ProtectedJustification, cancellationToken);
            views.Add(new OverrideRecordView(entry.Id, entry.ReleaseReference, entry.Ground, justification, entry.Supervisor, entry.AuthorisedAt,
                used.Contains($"override:{entry.Id}")));
        }
        return TypedResults.Ok(new Page<OverrideRecordView>(views, page.NextCursor));
    }
}
