using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Editing.Pathways;

public sealed record PathwayInput(string? AreaCode, string? ServiceType, List<Guid>? ServiceIds, bool? ReofferToNext, long? Version = null);

public sealed record PathwayDto(Guid Id, string AreaCode, string ServiceType, IReadOnlyList<Guid> ServiceIds, bool ReofferToNext,
    DateTime? LastReviewedAt, string? LastReviewedBy, bool Stale, bool Retired, long Version, DateTime UpdatedAt, string UpdatedBy)
{
    public static PathwayDto From(Pathway p, DateTime now, TimeSpan staleAfter) =>
        new(p.Id, p.AreaCode, p.ServiceType, p.ServiceIds, p.ReofferToNext, p.LastReviewedAt, p.LastReviewedBy, p.IsStale(now, staleAfter),
            p.Retired, p.Version, p.UpdatedAt, p.UpdatedBy);
}

/// <summary>Pathways are edited by the pathway maintainers of their area (or an area above it).</summary>
internal static class PathwayEditEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var pathways = group.MapGroup("/pathways").WithTags("Directory pathways");
        pathways.MapGet("/", ListAsync).WithName("ListPathways").Produces<Page<PathwayDto>>();
        pathways.MapGet("/{id:guid}", GetAsync).WithName("GetPathway").Produces<PathwayDto>();
        pathways.MapGet("/{id:guid}/history", (Guid id, string? cursor, int? limit, DirectoryDbContext db, CancellationToken ct) => EditResults.HistoryAsync(db, "pathway", id.ToString(), cursor, limit, ct)).WithName("PathwayHistory").Produces<Page<HistoryDto>>();
        pathways.MapPost("/", CreateAsync).WithName("CreatePathway").Produces<PathwayDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        pathways.MapPut("/{id:guid}", UpdateAsync).WithName("UpdatePathway").Produces<PathwayDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        pathways.MapPost("/{id:guid}/retire", (Guid id, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct) =>
            MarkAsync(id, input, user, db, cache, clock, options, retire: true, ct)).WithName("RetirePathway").Produces<PathwayDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        pathways.MapPost("/{id:guid}/review", (Guid id, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct) =>
            MarkAsync(id, input, user, db, cache, clock, options, retire: false, ct)).WithName("ReviewPathway").Produces<PathwayDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// By area, service type and id (ordinal), a page at a time: the cursor names the last pathway given, whose place
    /// is looked up again (pathways are retired, never deleted). A short list: one per area and service type.
    /// </summary>
    private static async Task<IResult> ListAsync(string? area, bool? includeRetired, string? cursor, int? limit, DirectoryDbContext db, TimeProvider clock,
        IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (take, position) = Paging.Read(errors, cursor, limit, defaultLimit: Paging.MaxLimit);
        Pathway? last = null;
        if (position is not null && (!Guid.TryParseExact(position, "N", out var lastId)
                || (last = await db.Pathways.AsNoTracking().FirstOrDefaultAsync(p => p.Id == lastId, ct)) is null))
            errors.Add("cursor", "is not a cursor this API returned");
        if (errors.Any) return errors.ToProblem();
        var query = db.Pathways.AsNoTracking().Where(p => includeRetired == true || !p.Retired);
        if (area is not null) query = query.Where(p => p.AreaCode == area);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = (await query.ToListAsync(ct))
            .Where(p => last is null || InOrder(last, p) < 0)
            .OrderBy(p => p.AreaCode, StringComparer.Ordinal).ThenBy(p => p.ServiceType, StringComparer.Ordinal).ThenBy(p => p.Id)
            .Take(take + 1).ToList();
        return TypedResults.Ok(Paging.Trim(rows, take, p => Paging.Cursor(p.Id.ToString("N"))).Map(p => PathwayDto.From(p, now, options.Value.StaleAfter)));
    }

    /// <summary>The list's order: area, service type, id.</summary>
    private static int InOrder(Pathway a, Pathway b)
    {
        var byArea = string.CompareOrdinal(a.AreaCode, b.AreaCode);
        if (byArea != 0) return byArea;
        var byType = string.CompareOrdinal(a.ServiceType, b.ServiceType);
        return byType != 0 ? byType : a.Id.CompareTo(b.Id);
    }

    private static async Task<IResult> GetAsync(Guid id, DirectoryDbContext db, TimeProvider clock, IOptions<DirectoryOptions> options, HttpContext http, CancellationToken ct)
    {
        var pathway = await db.Pathways.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pathway is null) return Problems.NotFound("No such pathway.");
        http.Response.Headers.ETag = $"\"{pathway.Version}\"";
        return TypedResults.Ok(PathwayDto.From(pathway, clock.GetUtcNow().UtcDateTime, options.Value.StaleAfter));
    }

    private static FieldErrors Validate(PathwayInput input)
    {
        var errors = new FieldErrors();
        Validation.Code(errors, "areaCode", input.AreaCode);
        errors.Require("serviceType", input.ServiceType);
        if (input.ServiceType is not null && !ServiceTypes.IsServiceType(input.ServiceType)) errors.Add("serviceType", "unknown service type code (see docs/taxonomy.md)");
        if (input.ServiceIds is null) errors.Add("serviceIds", "is required (may be empty)");
        else if (input.ServiceIds.Count > Limits.ListItems) errors.Add("serviceIds", $"at most {Limits.ListItems} items");
        else if (input.ServiceIds.Distinct().Count() != input.ServiceIds.Count) errors.Add("serviceIds", "lists a service twice");
        return errors;
    }

    /// <summary>The area must exist; every listed service must exist, be live, and be of the pathway's type (422).</summary>
    private static async Task<FieldErrors> CheckReferencesAsync(DirectoryDbContext db, PathwayInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var area = await db.Areas.AsNoTracking().FirstOrDefaultAsync(a => a.Code == input.AreaCode, ct);
        if (area is null) errors.Add("areaCode", "unknown area code");
        else if (area.Retired) errors.Add("areaCode", "the area is retired");
        var ids = input.ServiceIds!;
        var services = await db.Services.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!services.TryGetValue(ids[i], out var service)) errors.Add($"serviceIds[{i}]", "unknown service");
            else if (service.Retired) errors.Add($"serviceIds[{i}]", "the service is retired");
            else if (service.ServiceType != input.ServiceType) errors.Add($"serviceIds[{i}]", $"the service is of type {service.ServiceType}, not {input.ServiceType}");
        }
        return errors;
    }

    private static async Task<IResult> CreateAsync(PathwayInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Any) return errors.ToProblem();
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsArea(view, input.AreaCode!)) return Problems.Forbidden($"You do not maintain pathways for {input.AreaCode}.");
        var references = await CheckReferencesAsync(db, input, ct);
        if (references.Any) return references.ToProblem();
        if (await db.Pathways.AnyAsync(p => p.AreaCode == input.AreaCode && p.ServiceType == input.ServiceType, ct))
            return Problems.Conflict("Update it instead (PUT /api/v1/directory/pathways/{id}).", "A pathway for this area and service type exists.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        var pathway = new Pathway
        {
            Id = Guid.NewGuid(), AreaCode = input.AreaCode!, ServiceType = input.ServiceType!, ServiceIds = [.. input.ServiceIds!],
            ReofferToNext = input.ReofferToNext ?? false, LastReviewedAt = now, LastReviewedBy = actor.Id,
        };
        ChangeRecorder.Stamp(pathway, actor, now);
        db.Pathways.Add(pathway);
        ChangeRecorder.Pathway(db, pathway, ChangeRecorder.Created, ["*"], actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Created($"/api/v1/directory/pathways/{pathway.Id}", PathwayDto.From(pathway, now, options.Value.StaleAfter));
    }

    private static async Task<IResult> UpdateAsync(Guid id, PathwayInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var pathway = await db.Pathways.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pathway is null) return Problems.NotFound("No such pathway.");
        // Permission first: a caller who may not edit learns nothing from validation or the current version.
        if (!user.MaintainsArea(await cache.GetAsync(ct), pathway.AreaCode)) return Problems.Forbidden($"You do not maintain pathways for {pathway.AreaCode}.");
        // Area and type identify the pathway: when omitted they stay as they are, and they cannot be changed.
        input = input with { AreaCode = input.AreaCode ?? pathway.AreaCode, ServiceType = input.ServiceType ?? pathway.ServiceType };
        var errors = Validate(input);
        if (input.AreaCode != pathway.AreaCode) errors.Add("areaCode", "cannot be changed; create a pathway for the other area");
        if (input.ServiceType != pathway.ServiceType) errors.Add("serviceType", "cannot be changed; create a pathway for the other type");
        if (errors.Any) return errors.ToProblem();
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsArea(view, pathway.AreaCode)) return Problems.Forbidden($"You do not maintain pathways for {pathway.AreaCode}.");
        if (EditResults.CheckVersion(input.Version, pathway.Version, errors) is { } versionProblem) return versionProblem;
        if (pathway.Retired) return Problems.Conflict("A retired pathway cannot be edited.", "The pathway is retired.");
        var references = await CheckReferencesAsync(db, input, ct);
        if (references.Any) return references.ToProblem();

        var now = clock.GetUtcNow().UtcDateTime;
        var changes = new ChangeSet();
        changes.Set("serviceIds", pathway.ServiceIds, input.ServiceIds!, v => pathway.ServiceIds = [.. v]);
        changes.Set("reofferToNext", pathway.ReofferToNext, input.ReofferToNext ?? pathway.ReofferToNext, v => pathway.ReofferToNext = v);
        if (!changes.Any) return TypedResults.Ok(PathwayDto.From(pathway, now, options.Value.StaleAfter));
        var actor = Actor.From(user);
        ChangeRecorder.Stamp(pathway, actor, now);
        ChangeRecorder.Pathway(db, pathway, ChangeRecorder.Updated, changes.Fields, actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(PathwayDto.From(pathway, now, options.Value.StaleAfter));
    }

    private static async Task<IResult> MarkAsync(Guid id, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, bool retire, CancellationToken ct)
    {
        var pathway = await db.Pathways.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (pathway is null) return Problems.NotFound("No such pathway.");
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsArea(view, pathway.AreaCode)) return Problems.Forbidden($"You do not maintain pathways for {pathway.AreaCode}.");
        if (EditResults.CheckVersion(input.Version, pathway.Version, new FieldErrors()) is { } versionProblem) return versionProblem;
        if (pathway.Retired) return Problems.Conflict("Nothing to do.", "The pathway is retired.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        if (retire) pathway.Retired = true;
        else (pathway.LastReviewedAt, pathway.LastReviewedBy) = (now, actor.Id);
        ChangeRecorder.Stamp(pathway, actor, now);
        ChangeRecorder.Pathway(db, pathway, retire ? ChangeRecorder.Retired : ChangeRecorder.Reviewed, [retire ? "retired" : "lastReviewedAt"], actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(PathwayDto.From(pathway, now, options.Value.StaleAfter));
    }
}
