using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Persistence;

namespace ReferralHub.Consent.Consents;

internal static class ConsentStore
{
    /// <summary>The newest version of a case's consent in the caller's agency (null: none, or another agency's case).</summary>
    public static Task<ConsentVersion?> CurrentAsync(this ConsentRegistryDbContext db, string agency, string caseCode, CancellationToken cancellationToken) =>
        db.Consents.AsNoTracking()
            .Where(c => c.AgencyCode == agency && c.CaseCode == caseCode)
            .OrderByDescending(c => c.Version)
            .FirstOrDefaultAsync(cancellationToken);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(title: "The consent changed or is in another state.", detail: detail, statusCode: StatusCodes.Status409Conflict);

    /// <summary>Same answer for "no such case" and "another agency's case", so case codes cannot be probed.</summary>
    public static IResult CaseNotFound() =>
        TypedResults.Problem(title: "No consent is recorded for this case in your agency.", statusCode: StatusCodes.Status404NotFound);

    public static IResult Invalid(Dictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The request has errors; nothing was stored.", statusCode: StatusCodes.Status422UnprocessableEntity);
}
