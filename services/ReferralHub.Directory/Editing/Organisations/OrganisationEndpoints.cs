using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Editing.Organisations;

public sealed record OrganisationInput(string? Code, string? Name, string? Acronym, string? Kind, string? Description, string? Website,
    List<FocalPointInput>? FocalPoints, long? Version = null);

public sealed record OrganisationDto(Guid Id, string Code, string Name, string? Acronym, string Kind, string? Description, string? Website,
    IReadOnlyList<FocalPoint> FocalPoints, bool Retired, long Version, DateTime UpdatedAt, string UpdatedBy)
{
    public static OrganisationDto From(Organisation o) =>
        new(o.Id, o.Code, o.Name, o.Acronym, o.Kind, o.Description, o.Website, o.FocalPoints, o.Retired, o.Version, o.UpdatedAt, o.UpdatedBy);
}

/// <summary>
/// An organisation works in the areas its services are delivered in: any pathway maintainer may add one, but only a
/// maintainer of every one of those areas (or of an area above them all, up to the hub's top level) may change or
/// retire it — a camp's focal point cannot retire a national NGO hub-wide. Its own agency admin, or such a
/// maintainer, may change its focal points. The code (the agency claim in tokens) never changes once created.
/// </summary>
internal static class OrganisationEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var organisations = group.MapGroup("/organisations").WithTags("Directory organisations");
        organisations.MapGet("/", async Task<Results<Ok<Page<OrganisationDto>>, ValidationProblem>> (bool? includeRetired, string? cursor, int? limit,
            DirectoryDbContext db, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var (take, after) = Paging.Read(errors, cursor, limit, defaultLimit: Paging.MaxLimit);
            if (errors.Any) return Problems.Invalid(errors);
            // Organisations are a short list: paged in memory by code, ordinal, so SQLite and PostgreSQL page alike.
            var all = await db.Organisations.AsNoTracking().Where(o => includeRetired == true || !o.Retired).ToListAsync(ct);
            var page = Paging.Of(all, o => o.Code, after, take);
            return TypedResults.Ok(new Page<OrganisationDto>(page.Items.Select(OrganisationDto.From).ToList(), page.NextCursor));
        }).WithName("ListOrganisations");
        organisations.MapGet("/{id:guid}", async Task<Results<Ok<OrganisationDto>, ProblemHttpResult>> (Guid id, DirectoryDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
            if (organisation is null) return Problems.NotFound("No such organisation.");
            http.Response.Headers.ETag = $"\"{organisation.Version}\"";
            return TypedResults.Ok(OrganisationDto.From(organisation));
        }).WithName("GetOrganisation");
        organisations.MapGet("/{id:guid}/history", (Guid id, string? cursor, int? limit, DirectoryDbContext db, CancellationToken ct) => EditResults.HistoryAsync(db, "organisation", id.ToString(), cursor, limit, ct)).WithName("OrganisationHistory").Produces<Page<HistoryDto>>();
        organisations.MapPost("/", CreateAsync).WithName("CreateOrganisation").Produces<OrganisationDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        organisations.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateOrganisation").Produces<OrganisationDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        organisations.MapPost("/{id:guid}/retire", RetireAsync).WithName("RetireOrganisation").Produces<OrganisationDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static FieldErrors Validate(OrganisationInput input)
    {
        var errors = new FieldErrors();
        Validation.Code(errors, "code", input.Code);
        Validation.Text(errors, "name", input.Name, Limits.Name, required: true);
        Validation.Text(errors, "acronym", input.Acronym, Limits.Code);
        errors.Require("kind", input.Kind);
        if (input.Kind is not null && !OrganisationKinds.All.Contains(input.Kind)) errors.Add("kind", $"must be one of {string.Join(", ", OrganisationKinds.All)}");
        Validation.Text(errors, "description", input.Description, Limits.Description);
        Validation.Text(errors, "website", input.Website, Limits.Name);
        if (!string.IsNullOrWhiteSpace(input.Website) && !(Uri.TryCreate(input.Website, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors.Add("website", "is not an http(s) address");
        Validation.FocalPoints(errors, "focalPoints", input.FocalPoints);
        return errors;
    }

    private static void Apply(Organisation o, OrganisationInput i, ChangeSet c)
    {
        c.Set("name", o.Name, i.Name!.Trim(), v => o.Name = v);
        c.Set("acronym", o.Acronym, Validation.Blank(i.Acronym), v => o.Acronym = v);
        c.Set("kind", o.Kind, i.Kind!, v => o.Kind = v);
        c.Set("description", o.Description, Validation.Blank(i.Description), v => o.Description = v);
        c.Set("website", o.Website, Validation.Blank(i.Website), v => o.Website = v);
        c.Set("focalPoints", o.FocalPoints, Validation.ToFocalPoints(i.FocalPoints), v => o.FocalPoints = v);
    }

    private static async Task<IResult> CreateAsync(OrganisationInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Any) return errors.ToProblem();
        if (!user.IsMaintainer()) return Problems.Forbidden("Only pathway maintainers add organisations.");
        if (await db.Organisations.AnyAsync(o => o.Code == input.Code, ct))
            return Problems.Conflict("Organisation codes are unique (they are the agency code in tokens).", "An organisation with this code exists.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        var organisation = new Organisation { Id = Guid.NewGuid(), Code = input.Code!, LastReviewedAt = now, LastReviewedBy = actor.Id };
        Apply(organisation, input, new ChangeSet());
        ChangeRecorder.Stamp(organisation, actor, now);
        db.Organisations.Add(organisation);
        ChangeRecorder.Organisation(db, organisation, ChangeRecorder.Created, ["*"], actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Created($"/api/v1/directory/organisations/{organisation.Id}", OrganisationDto.From(organisation));
    }

    private static async Task<IResult> UpdateAsync(Guid id, OrganisationInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (organisation is null) return Problems.NotFound("No such organisation.");
        // Permission first (who may edit at all); which fields an agency admin may change is checked below.
        if (!user.IsMaintainer() && !user.AdministersOrganisation(organisation.Code))
            return Problems.Forbidden("Only pathway maintainers, or the organisation's own agency admin, may edit it.");
        input = input with { Code = input.Code ?? organisation.Code };
        var errors = Validate(input);
        if (input.Code != organisation.Code) errors.Add("code", "cannot be changed: it is the agency code in tokens and consents");
        if (errors.Any) return errors.ToProblem();
        if (EditResults.CheckVersion(input.Version, organisation.Version, errors) is { } versionProblem) return versionProblem;
        if (organisation.Retired) return Problems.Conflict("A retired organisation cannot be edited.", "The organisation is retired.");

        var changes = new ChangeSet();
        Apply(organisation, input, changes);
        var view = await cache.GetAsync(ct);
        if (!MaintainsOrganisation(user, view, await AreasAsync(db, organisation.Id, ct)))
        {
            if (!user.AdministersOrganisation(organisation.Code))
                return Problems.Forbidden("Only a pathway maintainer of every area the organisation works in, or its own agency admin, may edit it.");
            if (changes.Fields.Any(f => f != "focalPoints"))
                return Problems.Forbidden("An agency admin may change only its organisation's focal points.");
        }
        if (!changes.Any) return TypedResults.Ok(OrganisationDto.From(organisation));

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        ChangeRecorder.Stamp(organisation, actor, now);
        ChangeRecorder.Organisation(db, organisation, ChangeRecorder.Updated, changes.Fields, actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(OrganisationDto.From(organisation));
    }

    private static async Task<IResult> RetireAsync(Guid id, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (organisation is null) return Problems.NotFound("No such organisation.");
        if (!MaintainsOrganisation(user, await cache.GetAsync(ct), await AreasAsync(db, organisation.Id, ct)))
            return Problems.Forbidden("Only a pathway maintainer of every area the organisation works in may retire it (it drops from every pathway).");
        if (EditResults.CheckVersion(input.Version, organisation.Version, new FieldErrors()) is { } versionProblem) return versionProblem;
        if (organisation.Retired) return Problems.Conflict("Nothing to do.", "The organisation is already retired.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        organisation.Retired = true;
        ChangeRecorder.Stamp(organisation, actor, now);
        ChangeRecorder.Organisation(db, organisation, ChangeRecorder.Retired, ["retired"], actor, now);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(OrganisationDto.From(organisation));
    }

    /// <summary>The areas the organisation works in: every area its services (retired ones too: they may come back) are delivered in.</summary>
    private static async Task<List<string>> AreasAsync(DirectoryDbContext db, Guid organisationId, CancellationToken ct) =>
        [.. (await db.Services.AsNoTracking().Where(s => s.OrganisationId == organisationId).ToListAsync(ct))
            .SelectMany(s => s.AreaCodes).Distinct(StringComparer.Ordinal)];

    /// <summary>A maintainer of all of them; an organisation without services yet is any maintainer's.</summary>
    private static bool MaintainsOrganisation(ClaimsPrincipal user, DirectoryView view, IReadOnlyList<string> areas) =>
        user.IsMaintainer() && (areas.Count == 0 || user.MaintainsAll(view, areas));
}
