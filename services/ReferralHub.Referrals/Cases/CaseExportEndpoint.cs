using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Notes;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Web;

namespace ReferralHub.Referrals.Cases;

public sealed record CaseExport(string AgencyCode, string CaseCode, DateTime ExportedAt, IReadOnlyList<ExportedReferral> Referrals);

public sealed record ExportedReferral(ReferralView Referral, IReadOnlyList<NoteView> Notes);

/// <summary>What the hub holds about a case's referrals, decrypted: what the child may ask to see (BRIEF, data protection).</summary>
public static class CaseExportEndpoint
{
    public static RouteGroupBuilder MapCaseExport(this RouteGroupBuilder group)
    {
        group.MapGet("/{caseCode}/export", ExportAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor)).WithName("ExportCase");
        return group;
    }

    private static async Task<Results<Ok<CaseExport>, ProblemHttpResult>> ExportAsync(
        string caseCode, ClaimsPrincipal user, ReferralsDbContext db, ReferralVault vault, TimeProvider clock, ILogger<CaseExport> logger, CancellationToken cancellationToken)
    {
        var agency = user.Agency()!;
        var referrals = await db.Referrals.AsNoTracking().Where(r => r.AgencyCode == agency && r.CaseCode == caseCode)
            .OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        if (referrals.Count == 0) return TypedResults.Problem("This agency holds no referral for that case.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        var exported = new List<ExportedReferral>();
        foreach (var r in referrals)
        {
            var notes = await db.Notes.AsNoTracking().Where(n => n.ReferralId == r.Id).OrderBy(n => n.CreatedAt).ToListAsync(cancellationToken);
            var noteViews = new List<NoteView>();
            foreach (var n in notes)
                noteViews.Add(new NoteView(n.Id, n.AuthorAgency, n.AuthorSide, await vault.UnprotectTextAsync(ReferralVault.Scope(r), n.TextProtected, cancellationToken), n.CreatedAt));
            exported.Add(new ExportedReferral(await ReferralViews.ReferrerViewAsync(db, vault, r, cancellationToken), noteViews));
        }
        logger.LogInformation("Case export by {Caller} of {Agency}: {Count} referral(s)", user.ClientOrUserId(), agency, referrals.Count);
        return TypedResults.Ok(new CaseExport(agency, caseCode, clock.GetUtcNow().UtcDateTime, exported));
    }
}
