using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Transfers.Query;

public sealed record TransferChangeView(long Sequence, Guid TransferId, string SendingAgency, string ReceivingAgency, string Status, string? ReasonCode, DateTime ChangedAt);

public sealed record TransferChangesPage(IReadOnlyList<TransferChangeView> Changes, long Next);

/// <summary>Reading transfers: only the two agencies of a transfer see it; another agency gets 404.</summary>
internal static class TransferQueries
{
    /// <summary>Roles that may act for an agency in transfers: its caseworkers' system (referrer), a provider system, its supervisors.</summary>
    public static readonly string[] AgencyRoles = [Roles.Referrer, Roles.Provider, Roles.Supervisor, Roles.AgencyAdmin];

    public static void Map(RouteGroupBuilder transfers)
    {
        transfers.MapGet("/", ListAsync).WithName("ListTransfers").RequireAuthorization(p => p.RequireRole(AgencyRoles));
        transfers.MapGet("/changes", ChangesAsync).WithName("TransferChanges").RequireAuthorization(p => p.RequireRole(AgencyRoles));
        transfers.MapGet("/{id:guid}", GetAsync).WithName("GetTransfer").RequireAuthorization(p => p.RequireRole(AgencyRoles));
    }

    /// <summary>Finds a transfer the caller's agency is party to; null means 404 whatever the reason.</summary>
    public static async Task<Transfer?> FindForAsync(TransfersDbContext db, Guid id, string? agency, CancellationToken cancellationToken) =>
        agency is null ? null : await db.Transfers.FirstOrDefaultAsync(t => t.Id == id && (t.SendingAgency == agency || t.ReceivingAgency == agency), cancellationToken);

    private static async Task<Results<Ok<List<TransferView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, TransfersDbContext db, string? direction, string? status, int? limit, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency) return Problems.Forbidden("The token names no agency.");
        if (direction is not (null or "incoming" or "outgoing"))
            return Problems.Invalid("direction", "incoming or outgoing.");
        var query = db.Transfers.AsNoTracking();
        query = direction switch
        {
            "incoming" => query.Where(t => t.ReceivingAgency == agency),
            "outgoing" => query.Where(t => t.SendingAgency == agency),
            _ => query.Where(t => t.ReceivingAgency == agency || t.SendingAgency == agency),
        };
        if (status is { Length: > 0 }) query = query.Where(t => t.Status == status);
        var rows = await query.OrderByDescending(t => t.CreatedAt).Take(Math.Clamp(limit ?? 100, 1, 500)).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(t => TransferViews.ToView(t, agency)).ToList());
    }

    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var transfer = await FindForAsync(db, id, user.Agency(), cancellationToken);
        return transfer is null ? Problems.NotFound("No such transfer for your agency.") : TypedResults.Ok(TransferViews.ToView(transfer, user.Agency()!));
    }

    /// <summary>The change feed: every step of the caller's agency's transfers (sent or received) after a sequence number.</summary>
    private static async Task<Results<Ok<TransferChangesPage>, ProblemHttpResult>> ChangesAsync(ClaimsPrincipal user, TransfersDbContext db, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency) return Problems.Forbidden("The token names no agency.");
        var from = after ?? 0;
        var rows = await db.Changes.AsNoTracking()
            .Where(c => c.Sequence > from && (c.SendingAgency == agency || c.ReceivingAgency == agency))
            .OrderBy(c => c.Sequence).Take(Math.Clamp(limit ?? 200, 1, 1000))
            .Select(c => new TransferChangeView(c.Sequence, c.TransferId, c.SendingAgency, c.ReceivingAgency, c.Status, c.ReasonCode, c.ChangedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new TransferChangesPage(rows, rows.Count > 0 ? rows[^1].Sequence : from));
    }
}
