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
}
