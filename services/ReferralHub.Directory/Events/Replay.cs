using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Events;

public sealed record ReplayResult(int Areas, int Organisations, int Services, int Pathways);

/// <summary>
/// "Replay all": republishes the current snapshot of every entry (retired ones too, so copies learn of them) with
/// Replayed = true, through the outbox. A new consumer rebuilds its copy from it; existing consumers ignore versions
/// they already have.
/// </summary>
public static class DirectoryReplay
{
    public static async Task<ReplayResult> ReplayAsync(DirectoryDbContext db, DateTime now, TimeSpan staleAfter, CancellationToken ct)
    {
        var areas = await db.Areas.AsNoTracking().ToListAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, ct);
        var services = await db.Services.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct);
        var pathways = await db.Pathways.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        var view = new DirectoryView(areas, [.. organisations.Values], [], [], now);

        // Parents before children, so a consumer can build the tree as it goes.
        foreach (var area in areas.OrderBy(a => view.Chain(a.Code).Count).ThenBy(a => a.Code, StringComparer.Ordinal))
            db.PublishViaOutbox(new AreaChanged(area.ToSnapshot(view.AncestorCodes(area.Code)), Replayed: true), $"area:{area.Code}");
        foreach (var organisation in organisations.Values.OrderBy(o => o.Code, StringComparer.Ordinal))
            db.PublishViaOutbox(new OrganisationChanged(organisation.ToSnapshot(), Replayed: true), $"organisation:{organisation.Id}");
        foreach (var service in services)
        {
            var snapshot = service.ToSnapshot(organisations[service.OrganisationId], now, staleAfter);
            if (service.Retired) db.PublishViaOutbox(new ServiceRetired(snapshot, Replayed: true), $"service:{service.Id}");
            else db.PublishViaOutbox(new ServiceChanged(snapshot, Replayed: true), $"service:{service.Id}");
        }
        foreach (var pathway in pathways)
            db.PublishViaOutbox(new PathwayChanged(pathway.ToSnapshot(), Replayed: true), $"pathway:{pathway.Id}");
        await db.SaveChangesAsync(ct);
        return new ReplayResult(areas.Count, organisations.Count, services.Count, pathways.Count);
    }

    public static void Map(RouteGroupBuilder group) =>
        group.MapPost("/replay", async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> (ClaimsPrincipal user, DirectoryDbContext db, TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct) =>
        {
            if (!user.HubRoles().Contains(Roles.Operator))
                return Problems.Forbidden("Only hub operators replay the directory.");
            return TypedResults.Ok(await ReplayAsync(db, clock.GetUtcNow().UtcDateTime, options.Value.StaleAfter, ct));
        }).WithName("ReplayDirectory").ProducesProblem(StatusCodes.Status403Forbidden).WithTags("Directory events");
}
