using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Notes;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Release;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Cases;

public sealed record CaseExport(string AgencyCode, string CaseCode, DateTime ExportedAt, IReadOnlyList<ExportedReferral> Referrals);

public sealed record ExportedReferral(ReferralView Referral, IReadOnlyList<NoteView> Notes);

/// <summary>
/// What the hub holds about a case's referrals that this agency may read: what the child may ask to see through it
/// (BRIEF, data protection). The sending agency's export keeps the referrals a transfer moved (what it sent, up to the
/// move); the receiving agency's shows them as the release gate lets it read them (docs/data-protection.md).
/// </summary>
public static class CaseExportEndpoint
{
    public static RouteGroupBuilder MapCaseExport(this RouteGroupBuilder group)
    {
        group.MapGet("/{caseCode}/export", ExportAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor)).WithName("ExportCase");
        return group;
    }

    private static async Task<Results<Ok<CaseExport>, ProblemHttpResult>> ExportAsync(
        string caseCode, ClaimsPrincipal user, ReleaseGate gate, TimeProvider clock, ILogger<CaseExport> logger, CancellationToken cancellationToken)
    {
        var agency = user.Agency()!;
        // Every referral the agency holds for the case or sent under this case code before a transfer, each through the gate.
        var exported = await gate.ExportAsync(agency, caseCode, cancellationToken);
        if (exported.Count == 0) return Problems.NotFound("This agency holds no referral for that case.");
        logger.LogInformation("Case export by {Caller} of {Agency}: {Count} referral(s)", user.ClientOrUserId(), agency, exported.Count);
        return TypedResults.Ok(new CaseExport(agency, caseCode, clock.GetUtcNow().UtcDateTime, exported));
    }
}
