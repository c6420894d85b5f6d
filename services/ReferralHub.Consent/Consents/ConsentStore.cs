using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Consent.Persistence;

namespace ReferralHub.Consent.Consents;

internal static class ConsentStore
{
    /// <summary>The newest version of a case's consent in the caller's agency (null: none, or another agency's case).</summary>
    public static Task<ConsentVersion?> CurrentAsync(this ConsentRegistryDbContext db, string agency, string caseCode, CancellationToken cancellationToken) =>
        Current.For(db)(db, agency, caseCode, cancellationToken);

    // Compiled once: every consent decision (routing's pre-checks, each release) asks it, and EF's per-call work on a
    // LINQ query (parameter extraction, hashing the expression tree for its cache) cost as much as the statement (issue 17).
    private static readonly CompiledQuery<Func<ConsentRegistryDbContext, string, string, CancellationToken, Task<ConsentVersion?>>> Current = new(() => EF.CompileAsyncQuery(
        (ConsentRegistryDbContext db, string agency, string caseCode, CancellationToken _) => db.Consents.AsNoTracking()
            .Where(c => c.AgencyCode == agency && c.CaseCode == caseCode)
            .OrderByDescending(c => c.Version)
            .FirstOrDefault()));
}
