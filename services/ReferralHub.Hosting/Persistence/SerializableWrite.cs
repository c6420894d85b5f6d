using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// A check-then-write that must hold under concurrency (a count against a limit, then an insert), run in a
/// serializable transaction. SQLite: <c>BEGIN IMMEDIATE</c> takes the write lock before the check, so the second
/// caller waits and then sees the first one's row. PostgreSQL: one of two overlapping transactions fails to serialise
/// (40001) and the whole step runs again from a clean change tracker, so it too sees the other's row.
/// </summary>
public static class SerializableWrite
{
    public static async Task<T> RunAsync<T>(DbContext db, Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
                var result = await step(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception e) when (attempt < attempts && IsSerializationFailure(e))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>PostgreSQL's serialization failure or deadlock, wherever EF wrapped it.</summary>
    public static bool IsSerializationFailure(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
            if (inner is DbException { SqlState: "40001" or "40P01" }) return true;
        return false;
    }
}
