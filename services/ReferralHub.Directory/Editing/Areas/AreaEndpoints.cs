using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Editing.Areas;

public sealed record AreaInput(string? Code, string? Name, string? Level, string? ParentCode, List<FocalPointInput>? FocalPoints, long? Version = null);

public sealed record AreaDto(string Code, string Name, string Level, string? ParentCode, IReadOnlyList<string> AncestorCodes,
    IReadOnlyList<FocalPoint> FocalPoints, bool Retired, long Version, DateTime UpdatedAt, string UpdatedBy)
{
    public static AreaDto From(Area a, IReadOnlyList<string> ancestors) =>
        new(a.Code, a.Name, a.Level, a.ParentCode, ancestors, a.FocalPoints, a.Retired, a.Version, a.UpdatedAt, a.UpdatedBy);
}

/// <summary>Areas (and their child protection focal points) are edited by the maintainers of the area or one above it.</summary>
internal static class AreaEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var areas = group.MapGroup("/areas").WithTags("Directory areas");
        areas.MapGet("/", async Task<Results<Ok<Page<AreaDto>>, ValidationProblem>> (string? parent, bool? includeRetired, string? cursor, int? limit,
            DirectoryCache cache, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var (take, after) = Paging.Read(errors, cursor, limit, defaultLimit: Paging.MaxLimit);
            if (errors.Any) return Problems.Invalid(errors);
            var view = await cache.GetAsync(ct);
            var page = Paging.Of(view.Areas.Values.Where(a => (includeRetired == true || !a.Retired) && (parent is null || a.ParentCode == parent)),
                a => a.Code, after, take);
            return TypedResults.Ok(new Page<AreaDto>(page.Items.Select(a => AreaDto.From(a, view.AncestorCodes(a.Code))).ToList(), page.NextCursor));
        }).WithName("ListAreas");
        areas.MapGet("/{code}", async Task<Results<Ok<AreaDto>, ProblemHttpResult>> (string code, DirectoryCache cache, DirectoryDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var area = await db.Areas.AsNoTracking().FirstOrDefaultAsync(a => a.Code == code, ct);
            if (area is null) return Problems.NotFound("No such area.");
            http.Response.Headers.ETag = $"\"{area.Version}\"";
            return TypedResults.Ok(AreaDto.From(area, (await cache.GetAsync(ct)).AncestorCodes(code)));
        }).WithName("GetArea");
        areas.MapGet("/{code}/history", (string code, string? cursor, int? limit, DirectoryDbContext db, CancellationToken ct) => EditResults.HistoryAsync(db, "area", code, cursor, limit, ct)).WithName("AreaHistory").Produces<Page<HistoryDto>>();
        areas.MapPost("/", CreateAsync).WithName("CreateArea").Produces<AreaDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        areas.MapPut("/{code}", UpdateAsync).WithName("UpdateArea").Produces<AreaDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        areas.MapPost("/{code}/retire", RetireAsync).WithName("RetireArea").Produces<AreaDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static FieldErrors Validate(AreaInput input)
    {
        var errors = new FieldErrors();
        Validation.Code(errors, "code", input.Code);
        Validation.Text(errors, "name", input.Name, Limits.Name, required: true);
        Validation.Code(errors, "level", input.Level);
        if (input.ParentCode is not null && !Validation.IsCode(input.ParentCode)) errors.Add("parentCode", "is not an area code");
        Validation.FocalPoints(errors, "focalPoints", input.FocalPoints);
        return errors;
    }

    private static async Task<IResult> CreateAsync(AreaInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var errors = Validate(input);
        errors.Require("parentCode", input.ParentCode); // top-level areas come with an import, not from a maintainer
        if (errors.Any) return errors.ToProblem();
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsArea(view, input.ParentCode!)) return Problems.Forbidden($"You do not maintain {input.ParentCode}.");
        var parent = await db.Areas.AsNoTracking().FirstOrDefaultAsync(a => a.Code == input.ParentCode, ct);
        if (parent is not { Retired: false }) return new FieldErrors().Add("parentCode", parent is null ? "unknown area code" : "the area is retired").ToProblem();
        if (await db.Areas.AnyAsync(a => a.Code == input.Code, ct)) return Problems.Conflict("Area codes are unique.", "An area with this code exists.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        var area = new Area
        {
            Code = input.Code!, Name = input.Name!.Trim(), Level = input.Level!, ParentCode = input.ParentCode,
            FocalPoints = Validation.ToFocalPoints(input.FocalPoints), LastReviewedAt = now, LastReviewedBy = actor.Id,
        };
        ChangeRecorder.Stamp(area, actor, now);
        db.Areas.Add(area);
        var ancestors = view.AncestorCodes(parent.Code).Append(parent.Code).ToList();
        ChangeRecorder.Area(db, area, ancestors, ChangeRecorder.Created, ["*"], actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Created($"/api/v1/directory/areas/{area.Code}", AreaDto.From(area, ancestors));
    }

    private static async Task<IResult> UpdateAsync(string code, AreaInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var area = await db.Areas.FirstOrDefaultAsync(a => a.Code == code, ct);
        if (area is null) return Problems.NotFound("No such area.");
        // Permission first: a caller who may not edit learns nothing from validation or the current version.
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsArea(view, code)) return Problems.Forbidden($"You do not maintain {code}.");
        input = input with { Code = input.Code ?? area.Code, ParentCode = input.ParentCode ?? area.ParentCode };
        var errors = Validate(input);
        if (input.Code != area.Code) errors.Add("code", "cannot be changed");
        if (input.ParentCode != area.ParentCode) errors.Add("parentCode", "cannot be changed");
        if (errors.Any) return errors.ToProblem();
        if (EditResults.CheckVersion(input.Version, area.Version, errors) is { } versionProblem) return versionProblem;
        if (area.Retired) return Problems.Conflict("A retired area cannot be edited.", "The area is retired.");

        var changes = new ChangeSet();
        changes.Set("name", area.Name, input.Name!.Trim(), v => area.Name = v);
        changes.Set("level", area.Level, input.Level!, v => area.Level = v);
        changes.Set("focalPoints", area.FocalPoints, Validation.ToFocalPoints(input.FocalPoints), v => area.FocalPoints = v);
        var ancestors = view.AncestorCodes(code);
        if (!changes.Any) return TypedResults.Ok(AreaDto.From(area, ancestors));
        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        ChangeRecorder.Stamp(area, actor, now);
        ChangeRecorder.Area(db, area, ancestors, ChangeRecorder.Updated, changes.Fields, actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(AreaDto.From(area, ancestors));
    }

    private static async Task<IResult> RetireAsync(string code, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var area = await db.Areas.FirstOrDefaultAsync(a => a.Code == code, ct);
        if (area is null) return Problems.NotFound("No such area.");
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsArea(view, code)) return Problems.Forbidden($"You do not maintain {code}.");
        if (EditResults.CheckVersion(input.Version, area.Version, new FieldErrors()) is { } versionProblem) return versionProblem;
        if (area.Retired) return Problems.Conflict("Nothing to do.", "The area is already retired.");
        if (await db.Areas.AnyAsync(a => a.ParentCode == code && !a.Retired, ct))
            return Problems.Conflict("Retire them first.", "The area has live areas below it.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        area.Retired = true;
        ChangeRecorder.Stamp(area, actor, now);
        var ancestors = view.AncestorCodes(code);
        ChangeRecorder.Area(db, area, ancestors, ChangeRecorder.Retired, ["retired"], actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(AreaDto.From(area, ancestors));
    }
}
