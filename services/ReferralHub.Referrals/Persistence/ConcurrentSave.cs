using Microsoft.EntityFrameworkCore;

namespace ReferralHub.Referrals.Persistence;

public static class ConcurrentSave
{
    /// <summary>False when another change won (optimistic concurrency): exactly one of two concurrent answers is recorded.</summary>
    public static async Task<bool> TrySaveAsync(this ReferralsDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
