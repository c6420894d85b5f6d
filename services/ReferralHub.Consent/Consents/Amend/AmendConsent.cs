using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Consents.Amend;

/// <summary>PUT /api/v1/consents/{caseCode}: a new version superseding the one in force (the old one is kept).</summary>
internal static class AmendConsent
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapPut("/{caseCode}", HandleAsync).WithName("AmendConsent").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));

    private static async Task<Results<Ok<ConsentView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        string caseCode, ConsentBody body, ClaimsPrincipal user, ConsentRegistryDbContext db, TimeProvider clock,
        IConsentTextProtector protector, ILogger<ConsentBody> logger, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject) return Problems.Forbidden("This needs a token that names an agency and a caller (agency, sub).");
        if (!ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var current = await db.CurrentAsync(agency, caseCode, cancellationToken);
        if (current is null) return Problems.NotFound("No consent is recorded for this case in your agency.");

        var now = clock.GetUtcNow().UtcDateTime;
        var errors = ConsentBodies.Validate(body, requireCaseCode: false, now, user.IsInRole(Roles.Supervisor), user.IsInRole(Roles.Referrer));
        if (body.CaseCode is not null && body.CaseCode != caseCode)
            errors.Add("caseCode", "Does not match the case in the address; omit it.");
        if (errors.Count > 0) return Problems.Invalid(errors);

        if (current.Status == ConsentStatus.Withdrawn)
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: "The consent was withdrawn; record a new consent with POST /api/v1/consents.");
        if (body.ExpectedVersion is { } expected && expected != current.Version)
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: $"Version {current.Version} is in force, not {expected}.");

        var version = await ConsentBodies.ToVersionAsync(
            body, agency, caseCode, current.ConsentId, current.Version + 1, subject, now, protector, cancellationToken);
        db.Consents.Add(version);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: "The consent was changed at the same time; read it and try again.");
        }

        logger.LogInformation("Consent {ConsentId} amended to v{Version} by {Subject}", version.ConsentId, version.Version, subject);
        return TypedResults.Ok(await ConsentBodies.ToViewAsync(version, protector, cancellationToken));
    }
}
