using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Escalation;

/// <summary>
/// An escalated capacity request as the area's child protection focal point sees it: who is waiting on whom, since
/// when, and the non-personal capacity summary — enough to phone the receiving agency, never the case code.
/// </summary>
public sealed record EscalatedTransferView(
    Guid TransferId, string SendingAgency, string ReceivingAgency, string AreaCode, string Urgency, string AgeBand, string Sex,
    string RiskLevel, IReadOnlyList<string> ProtectionConcerns, IReadOnlyList<string> Languages, DateTime RequestedAt, DateTime EscalatedAt,
    IReadOnlyList<string> EscalatedTo);

/// <summary>
/// GET /api/v1/transfers/escalations (role pathway-maintainer, the child protection focal point): capacity requests
/// still unanswered after escalation in the caller's areas (the transfer's area or any area above it). Seed 004: the
/// focal point is "central to referrals"; an unanswered transfer is a case falling between two agencies.
/// </summary>
internal static class EscalatedTransfers
{
    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapGet("/escalations", ListAsync).WithName("ListEscalatedTransfers").RequireAuthorization(p => p.RequireRole(Roles.PathwayMaintainer));

    /// <summary>Oldest escalation first, a page at a time (keyset on escalation time and id).</summary>
    private static async Task<Results<Ok<Page<EscalatedTransferView>>, ValidationProblem>> ListAsync(
        string? cursor, int? limit, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Paging.ReadTimeKey(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var areas = user.FindAll(HubClaims.Area).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        // Few rows by nature (escalated and still unanswered); the area test runs here because the chain is a JSON list.
        var escalated = await db.Transfers.AsNoTracking()
            .Where(t => t.EscalatedAt != null && t.Status == TransferStatuses.CapacityRequested)
            .OrderBy(t => t.EscalatedAt).ThenBy(t => t.Id).Take(1000).ToListAsync(cancellationToken);
        var mine = escalated.Where(t => t.EscalationAreas.Append(t.AreaCode).Any(areas.Contains))
            .Where(t => after is not { } a || t.EscalatedAt > a.At || (t.EscalatedAt == a.At && t.Id.CompareTo(a.Id) > 0))
            .Take(take + 1)
            .Select(t => new EscalatedTransferView(t.Id, t.SendingAgency, t.ReceivingAgency, t.AreaCode, t.Urgency, t.AgeBand, t.Sex, t.RiskLevel,
                t.ProtectionConcerns, t.Languages, t.CreatedAt, t.EscalatedAt!.Value, t.EscalatedTo))
            .ToList();
        return TypedResults.Ok(Paging.Trim(mine, take, v => Paging.Cursor(v.EscalatedAt, v.TransferId)));
    }
}
