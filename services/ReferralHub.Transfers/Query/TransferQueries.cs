using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Transfers.Query;

public sealed record TransferChangeView(long Sequence, Guid TransferId, string SendingAgency, string ReceivingAgency, string Status, string? ReasonCode, DateTime ChangedAt);

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

    /// <summary>The caller's agency's transfers, newest first, a page at a time (keyset on creation time and id).</summary>
    private static async Task<Results<Ok<Page<TransferView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, TransfersDbContext db, string? direction, string? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency) return Problems.Forbidden("The token names no agency.");
        var errors = new FieldErrors();
        errors.OneOf("direction", direction, ["incoming", "outgoing"]);
        var (take, position) = Paging.Read(errors, cursor, limit, defaultLimit: 100);
        var after = ListCursor.Parse(position);
        if (position is not null && after is null) errors.Add("cursor", "is not a cursor this API returned");
        if (errors.Any) return Problems.Invalid(errors);
        var query = db.Transfers.AsNoTracking();
        query = direction switch
        {
            "incoming" => query.Where(t => t.ReceivingAgency == agency),
            "outgoing" => query.Where(t => t.SendingAgency == agency),
            _ => query.Where(t => t.ReceivingAgency == agency || t.SendingAgency == agency),
        };
        if (status is { Length: > 0 }) query = query.Where(t => t.Status == status);
        if (after is { } a) query = query.Where(t => t.CreatedAt < a.At || (t.CreatedAt == a.At && t.Id.CompareTo(a.Id) < 0));
        var rows = await query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id).Take(take + 1).ToListAsync(cancellationToken);
        var more = rows.Count > take;
        if (more) rows.RemoveAt(take);
        return TypedResults.Ok(new Page<TransferView>(rows.Select(t => TransferViews.ToView(t, agency)).ToList(),
            more ? Paging.Cursor(ListCursor.Format(rows[^1].CreatedAt, rows[^1].Id)) : null));
    }

    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var transfer = await FindForAsync(db, id, user.Agency(), cancellationToken);
        return transfer is null ? Problems.NotFound("No such transfer for your agency.") : TypedResults.Ok(TransferViews.ToView(transfer, user.Agency()!));
    }

    /// <summary>
    /// The change feed: every step of the caller's agency's transfers (sent or received) after a cursor. The next cursor
    /// is always given and stays put when nothing is new, so a poller repeats the same call. <c>after</c> (a sequence
    /// number) is the name the feed had before lists were made uniform; it is still read.
    /// </summary>
    private static async Task<Results<Ok<Page<TransferChangeView>>, ValidationProblem, ProblemHttpResult>> ChangesAsync(
        ClaimsPrincipal user, TransfersDbContext db, string? cursor, long? after, int? limit, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency) return Problems.Forbidden("The token names no agency.");
        var errors = new FieldErrors();
        var (take, from) = Paging.ReadSequence(errors, cursor, limit, defaultLimit: 200, max: 1000);
        if (after is < 0) errors.Add("after", "must be 0 or more");
        if (errors.Any) return Problems.Invalid(errors);
        if (cursor is null && after is { } a) from = a;
        var rows = await db.Changes.AsNoTracking()
            .Where(c => c.Sequence > from && (c.SendingAgency == agency || c.ReceivingAgency == agency))
            .OrderBy(c => c.Sequence).Take(take)
            .Select(c => new TransferChangeView(c.Sequence, c.TransferId, c.SendingAgency, c.ReceivingAgency, c.Status, c.ReasonCode, c.ChangedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<TransferChangeView>(rows, Paging.Cursor(rows.Count > 0 ? rows[^1].Sequence : from)));
    }
}

/// <summary>The position in the transfers list: creation time and id of the last transfer of the previous page.</summary>
internal static class ListCursor
{
    public static string Format(DateTime at, Guid id) => $"{at.Ticks.ToString(CultureInfo.InvariantCulture)}:{id:N}";

    public static (DateTime At, Guid Id)? Parse(string? position)
    {
        var parts = position?.Split(':');
        return parts is [var ticks, var id] && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && t <= DateTime.MaxValue.Ticks && Guid.TryParseExact(id, "N", out var g)
            ? (new DateTime(t, DateTimeKind.Utc), g) : null;
    }
}
