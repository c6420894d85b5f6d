using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Hosting.Auth;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Consents.Record;

/// <summary>POST /api/v1/consents: the first consent of a case, or a new one after a withdrawal.</summary>
internal static class RecordConsent
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapPost("/", HandleAsync).WithName("RecordConsent").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor));

    private static async Task<Results<Created<ConsentView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        ConsentBody body, ClaimsPrincipal user, ConsentRegistryDbContext db, TimeProvider clock, IConsentTextProtector protector,
        ILogger<ConsentBody> logger, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject) return Problems.Forbidden("This needs a token that names an agency and a caller (agency, sub).");
        var now = clock.GetUtcNow().UtcDateTime;
        var errors = ConsentBodies.Validate(body, requireCaseCode: true, now, user.IsInRole(Roles.Supervisor), user.IsInRole(Roles.Referrer));
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caseCode = body.CaseCode!;
        var current = await db.CurrentAsync(agency, caseCode, cancellationToken);
        if (current is { Status: ConsentStatus.Active })
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: $"Version {current.Version} is in force; change it with PUT /api/v1/consents/{caseCode}.");

        var version = await ConsentBodies.ToVersionAsync(
            body, agency, caseCode, current?.ConsentId ?? Guid.CreateVersion7(), (current?.Version ?? 0) + 1, subject, now, protector, cancellationToken);
        db.Consents.Add(version);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request wrote this version number first (unique per case and version).
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: "The consent was changed at the same time; read it and try again.");
        }

        logger.LogInformation("Consent {ConsentId} v{Version} recorded by {Subject} for agency {Agency}", version.ConsentId, version.Version, subject, agency);
        return TypedResults.Created($"/api/v1/consents/{caseCode}", await ConsentBodies.ToViewAsync(version, protector, cancellationToken));
    }
}
