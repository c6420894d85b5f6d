using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Capacity;

/// <summary>
/// The one count of a receiving caseworker's open cases (seed 004: "Case workers should not manage more than 25 cases
/// at any given time"): the confirm warning, the caseload transfer report and the caseworker list all read it here,
/// so they can never disagree.
/// </summary>
internal static class Caseloads
{
    /// <summary>Cases a receiving caseworker holds through transfers: confirmed and not ended, or acknowledged.</summary>
    private static readonly string[] OpenStatuses =
        [TransferStatuses.AwaitingApproval, TransferStatuses.AwaitingConsent, TransferStatuses.Released, TransferStatuses.Acknowledged];

    private static IQueryable<Transfer> Open(TransfersDbContext db, string agency) =>
        db.Transfers.Where(t => t.ReceivingAgency == agency && t.ReceivingCaseworkerId != null && OpenStatuses.Contains(t.Status));

    /// <summary>One caseworker's open cases.</summary>
    public static Task<int> OfAsync(TransfersDbContext db, string agency, string caseworker, CancellationToken cancellationToken) =>
        Open(db, agency).CountAsync(t => t.ReceivingCaseworkerId == caseworker, cancellationToken);

    /// <summary>Every caseworker code the agency has confirmed a transfer with (open or not), with its open cases (0 when none).</summary>
    public static async Task<Dictionary<string, int>> PerCaseworkerAsync(TransfersDbContext db, string agency, CancellationToken cancellationToken)
    {
        var used = await db.Transfers.AsNoTracking()
            .Where(t => t.ReceivingAgency == agency && t.ReceivingCaseworkerId != null)
            .Select(t => t.ReceivingCaseworkerId!).Distinct().ToListAsync(cancellationToken);
        var open = await Open(db, agency).AsNoTracking()
            .GroupBy(t => t.ReceivingCaseworkerId!).Select(g => new { Caseworker = g.Key, Cases = g.Count() })
            .ToDictionaryAsync(g => g.Caseworker, g => g.Cases, StringComparer.Ordinal, cancellationToken);
        return used.ToDictionary(c => c, c => open.GetValueOrDefault(c), StringComparer.Ordinal);
    }

    /// <summary>Whether one more case for a caseworker holding <paramref name="openCases"/> goes over the limit (the confirm warning's rule).</summary>
    public static bool OneMoreExceedsLimit(int openCases) => openCases + 1 > TransferCodes.CaseloadLimit;
}
