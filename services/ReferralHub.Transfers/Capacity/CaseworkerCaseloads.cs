using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;

namespace ReferralHub.Transfers.Capacity;

/// <summary>
/// One receiving caseworker as the agency's focal point picks them when confirming capacity: the agency's own code for
/// the caseworker (the hub never learns a name), the open cases they hold through transfers, and whether one more
/// would carry the caseload warning (more than 25, seed 004).
/// </summary>
public sealed record CaseworkerCaseload(string CaseworkerId, int OpenCases, bool CaseloadWarning);

/// <summary>
/// GET /api/v1/transfers/caseworkers (the roles that confirm capacity): every caseworker code the caller's agency has
/// confirmed a transfer with, and each one's open caseload, counted as the confirm warning counts it. The agency comes
/// from the token only, so no agency ever reads another's codes.
/// </summary>
internal static class CaseworkerCaseloads
{
    public static void Map(RouteGroupBuilder transfers) =>
        transfers.MapGet("/caseworkers", ListAsync).WithName("ListReceivingCaseworkers").RequireAuthorization(p => p.RequireRole(AnswerCapacity.ReceiverRoles));

    /// <summary>
    /// Ordered by code (ordinal): a caseworker's count may change between two pages, and an order by count would then
    /// repeat or skip them; by code every page is stable and a focal point finds a code where they expect it.
    /// </summary>
    private static async Task<Results<Ok<Page<CaseworkerCaseload>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string? cursor, int? limit, ClaimsPrincipal user, TransfersDbContext db, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Paging.Read(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        if (user.Agency() is not { } agency) return Problems.Forbidden("Your token names no agency.");

        // A short list per agency (its caseworkers), so it is paged in memory like the directory's areas.
        var caseloads = await Caseloads.PerCaseworkerAsync(db, agency, cancellationToken);
        var page = Paging.Of(caseloads, c => c.Key, after, take);
        return TypedResults.Ok(page.Map(c => new CaseworkerCaseload(c.Key, c.Value, Caseloads.OneMoreExceedsLimit(c.Value))));
    }
}
