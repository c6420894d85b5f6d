using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Editing.Services;

public sealed record ServiceInput(
    Guid? OrganisationId, string? ServiceType, string? Name, string? Description, List<string>? AreaCodes,
    int? MinAge, int? MaxAge, List<string>? Sexes, List<string>? ProtectionConcerns, List<string>? Languages,
    string? Hours, string? HowToRefer, bool? Accepting, string? NotAcceptingReason, DateTime? NotAcceptingUntil,
    string? CapacityNote, List<FocalPointInput>? FocalPoints,
    /// <summary>Required on update: the version read (409 when it is no longer current).</summary>
    long? Version = null);

public sealed record ServiceDto(
    Guid Id, Guid OrganisationId, string OrganisationCode, string ServiceType, string Name, string? Description,
    IReadOnlyList<string> AreaCodes, int? MinAge, int? MaxAge, IReadOnlyList<string> Sexes, IReadOnlyList<string> ProtectionConcerns,
    IReadOnlyList<string> Languages, string? Hours, string? HowToRefer, bool Accepting, bool AcceptingNow, string? NotAcceptingReason,
    DateTime? NotAcceptingUntil, string? CapacityNote, IReadOnlyList<FocalPoint> FocalPoints, DateTime? LastReviewedAt,
    string? LastReviewedBy, bool Stale, bool Retired, long Version, DateTime UpdatedAt, string UpdatedBy)
{
    public static ServiceDto From(DirectoryService s, Organisation o, DateTime now, TimeSpan staleAfter) =>
        new(s.Id, s.OrganisationId, o.Code, s.ServiceType, s.Name, s.Description, s.AreaCodes, s.MinAge, s.MaxAge, s.Sexes,
            s.ProtectionConcerns, s.Languages, s.Hours, s.HowToRefer, s.Accepting, s.AcceptingAt(now), s.NotAcceptingReason,
            s.NotAcceptingUntil, s.CapacityNote, s.FocalPoints, s.LastReviewedAt, s.LastReviewedBy, s.IsStale(now, staleAfter),
            s.Retired, s.Version, s.UpdatedAt, s.UpdatedBy);
}

/// <summary>Create, update, retire and confirm-review services; list, read and history.</summary>
internal static class ServiceEndpoints
{
    /// <summary>What an agency admin may change on its own organisation's services.</summary>
    private static readonly string[] AgencyAdminFields = ["accepting", "notAcceptingReason", "notAcceptingUntil", "focalPoints", "hours"];

    public static void Map(RouteGroupBuilder group)
    {
        var services = group.MapGroup("/services").WithTags("Directory services");
        services.MapGet("/", ListAsync).WithName("ListServices").Produces<Page<ServiceDto>>();
        services.MapGet("/{id:guid}", GetAsync).WithName("GetService").Produces<ServiceDto>();
        services.MapGet("/{id:guid}/history", (Guid id, string? cursor, int? limit, DirectoryDbContext db, CancellationToken ct) => EditResults.HistoryAsync(db, "service", id.ToString(), cursor, limit, ct)).WithName("ServiceHistory").Produces<Page<HistoryDto>>();
        services.MapPost("/", CreateAsync).WithName("CreateService").Produces<ServiceDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        services.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateService").Produces<ServiceDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        services.MapPost("/{id:guid}/retire", RetireAsync).WithName("RetireService").Produces<ServiceDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        services.MapPost("/{id:guid}/review", ReviewAsync).WithName("ReviewService").Produces<ServiceDto>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// By service type, name and id, a page at a time: the cursor names the last service given, whose place in that
    /// order is looked up again (it stays findable when retired meanwhile: retired services are kept).
    /// </summary>
    private static async Task<IResult> ListAsync(string? area, string? serviceType, string? organisation, bool? includeRetired, string? cursor, int? limit,
        DirectoryCache cache, TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var errors = new FieldErrors();
        var (take, position) = Paging.Read(errors, cursor, limit, defaultLimit: Paging.MaxLimit);
        DirectoryService? last = null;
        if (position is not null && !(Guid.TryParseExact(position, "N", out var lastId) && view.Services.TryGetValue(lastId, out last)))
            errors.Add("cursor", "is not a cursor this API returned");
        if (errors.Any) return errors.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = view.Services.Values
            .Where(s => last is null || InOrder(last, s) < 0)
            .Where(s => includeRetired == true || !s.Retired)
            .Where(s => serviceType is null || s.ServiceType == serviceType)
            .Where(s => area is null || s.AreaCodes.Any(a => view.IsWithin(a, area) || view.IsWithin(area, a)))
            .Select(s => (Service: s, Organisation: view.Organisations[s.OrganisationId]))
            .Where(x => organisation is null || x.Organisation.Code == organisation)
            .OrderBy(x => x.Service.ServiceType, StringComparer.Ordinal).ThenBy(x => x.Service.Name, StringComparer.Ordinal).ThenBy(x => x.Service.Id)
            .Take(take + 1)
            .ToList();
        return TypedResults.Ok(Paging.Trim(rows, take, x => Paging.Cursor(x.Service.Id.ToString("N")))
            .Map(x => ServiceDto.From(x.Service, x.Organisation, now, options.Value.StaleAfter)));
    }

    /// <summary>The list's order: service type, name, id.</summary>
    private static int InOrder(DirectoryService a, DirectoryService b)
    {
        var byType = string.CompareOrdinal(a.ServiceType, b.ServiceType);
        if (byType != 0) return byType;
        var byName = string.CompareOrdinal(a.Name, b.Name);
        return byName != 0 ? byName : a.Id.CompareTo(b.Id);
    }

    private static async Task<IResult> GetAsync(Guid id, DirectoryDbContext db, TimeProvider clock, IOptions<DirectoryOptions> options, HttpContext http, CancellationToken ct)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (service is null) return Problems.NotFound("No such service.");
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == service.OrganisationId, ct);
        http.Response.Headers.ETag = $"\"{service.Version}\"";
        return TypedResults.Ok(ServiceDto.From(service, organisation, clock.GetUtcNow().UtcDateTime, options.Value.StaleAfter));
    }

    private static FieldErrors Validate(ServiceInput input)
    {
        var errors = new FieldErrors();
        if (input.OrganisationId is null || input.OrganisationId == Guid.Empty) errors.Add("organisationId", "is required");
        errors.Require("serviceType", input.ServiceType);
        if (input.ServiceType is not null && !ServiceTypes.IsServiceType(input.ServiceType)) errors.Add("serviceType", "unknown service type code (see docs/taxonomy.md)");
        Validation.Text(errors, "name", input.Name, Limits.Name, required: true);
        Validation.Text(errors, "description", input.Description, Limits.Description);
        if (input.AreaCodes is not { Count: > 0 }) errors.Add("areaCodes", "at least one area code is required");
        else if (input.AreaCodes.Count > Limits.ListItems) errors.Add("areaCodes", $"at most {Limits.ListItems} items");
        else for (var i = 0; i < input.AreaCodes.Count; i++)
            if (!Validation.IsCode(input.AreaCodes[i])) errors.Add($"areaCodes[{i}]", "is not an area code");
        if (input.MinAge is < 0 or > 120) errors.Add("minAge", "must be between 0 and 120");
        if (input.MaxAge is < 0 or > 120) errors.Add("maxAge", "must be between 0 and 120");
        if (input.MinAge is { } min && input.MaxAge is { } max && min > max) errors.Add("minAge", "must not be above maxAge");
        Validation.OneOf(errors, "sexes", input.Sexes, Sexes.All);
        Validation.OneOf(errors, "protectionConcerns", input.ProtectionConcerns, ProtectionConcerns.All);
        Validation.Languages(errors, "languages", input.Languages);
        Validation.Text(errors, "hours", input.Hours, Limits.Text);
        Validation.Text(errors, "howToRefer", input.HowToRefer, Limits.Text);
        Validation.Text(errors, "notAcceptingReason", input.NotAcceptingReason, Limits.Text);
        Validation.Text(errors, "capacityNote", input.CapacityNote, Limits.Text);
        if (input.Accepting == false && string.IsNullOrWhiteSpace(input.NotAcceptingReason)) errors.Add("notAcceptingReason", "is required when the service is not accepting");
        if (input.NotAcceptingUntil is { Kind: DateTimeKind.Local }) errors.Add("notAcceptingUntil", "must be UTC (end with Z)");
        Validation.FocalPoints(errors, "focalPoints", input.FocalPoints);
        return errors;
    }

    /// <summary>Referenced organisation and areas must exist and be live (422 otherwise).</summary>
    private static async Task<(Organisation? Organisation, FieldErrors Errors)> CheckReferencesAsync(DirectoryDbContext db, ServiceInput input, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == input.OrganisationId, ct);
        if (organisation is null) errors.Add("organisationId", "unknown organisation");
        else if (organisation.Retired) errors.Add("organisationId", "the organisation is retired");
        var codes = input.AreaCodes!.Distinct().ToList();
        var areas = await db.Areas.AsNoTracking().Where(a => codes.Contains(a.Code)).ToDictionaryAsync(a => a.Code, ct);
        for (var i = 0; i < input.AreaCodes!.Count; i++)
        {
            if (!areas.TryGetValue(input.AreaCodes[i], out var area)) errors.Add($"areaCodes[{i}]", "unknown area code");
            else if (area.Retired) errors.Add($"areaCodes[{i}]", "the area is retired");
        }
        return (organisation, errors);
    }

    /// <summary>
    /// "Not accepting until" a day already come would save, read "Saved" and change nothing (the service counts as
    /// accepting again from that day): refuse it so the focal point picks a later day or leaves it empty.
    /// </summary>
    private static IResult? PastUntil(DirectoryService service, DateTime now)
    {
        if (service.Accepting || service.NotAcceptingUntil is not { } until || until > now) return null;
        return new FieldErrors().Add("notAcceptingUntil", "must be a day after today (or left out: not accepting until further notice)").ToProblem();
    }

    private static void Apply(DirectoryService s, ServiceInput i, ChangeSet c)
    {
        c.Set("organisationId", s.OrganisationId, i.OrganisationId!.Value, v => s.OrganisationId = v);
        c.Set("serviceType", s.ServiceType, i.ServiceType!, v => s.ServiceType = v);
        c.Set("name", s.Name, i.Name!.Trim(), v => s.Name = v);
        c.Set("description", s.Description, Validation.Blank(i.Description), v => s.Description = v);
        c.Set("areaCodes", s.AreaCodes, i.AreaCodes!.Distinct().ToList(), v => s.AreaCodes = v);
        c.Set("minAge", s.MinAge, i.MinAge, v => s.MinAge = v);
        c.Set("maxAge", s.MaxAge, i.MaxAge, v => s.MaxAge = v);
        c.Set("sexes", s.Sexes, (i.Sexes ?? []).Distinct().ToList(), v => s.Sexes = v);
        c.Set("protectionConcerns", s.ProtectionConcerns, (i.ProtectionConcerns ?? []).Distinct().ToList(), v => s.ProtectionConcerns = v);
        c.Set("languages", s.Languages, (i.Languages ?? []).Distinct().ToList(), v => s.Languages = v);
        c.Set("hours", s.Hours, Validation.Blank(i.Hours), v => s.Hours = v);
        c.Set("howToRefer", s.HowToRefer, Validation.Blank(i.HowToRefer), v => s.HowToRefer = v);
        var accepting = i.Accepting ?? true;
        c.Set("accepting", s.Accepting, accepting, v => s.Accepting = v);
        c.Set("notAcceptingReason", s.NotAcceptingReason, accepting ? null : Validation.Blank(i.NotAcceptingReason), v => s.NotAcceptingReason = v);
        c.Set("notAcceptingUntil", s.NotAcceptingUntil, accepting ? null : i.NotAcceptingUntil?.ToUniversalTime(), v => s.NotAcceptingUntil = v);
        c.Set("capacityNote", s.CapacityNote, Validation.Blank(i.CapacityNote), v => s.CapacityNote = v);
        // Keep the ids of focal points the client sent back, so an unchanged list is not a change.
        c.Set("focalPoints", s.FocalPoints, Validation.ToFocalPoints(i.FocalPoints), v => s.FocalPoints = v);
    }

    private static async Task<IResult> CreateAsync(ServiceInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var errors = Validate(input);
        if (errors.Any) return errors.ToProblem();
        // Unknown areas first (422): the permission check below needs them to exist in the hierarchy.
        var (organisation, references) = await CheckReferencesAsync(db, input, ct);
        if (references.Any) return references.ToProblem();
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsAll(view, input.AreaCodes!))
            return Problems.Forbidden("Only a pathway maintainer of every area the service is delivered in may add it.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        var service = new DirectoryService { Id = Guid.NewGuid(), LastReviewedAt = now, LastReviewedBy = actor.Id };
        Apply(service, input, new ChangeSet());
        if (PastUntil(service, now) is { } past) return past;
        ChangeRecorder.Stamp(service, actor, now);
        db.Services.Add(service);
        ChangeRecorder.Service(db, service, organisation!, ChangeRecorder.Created, ["*"], actor, now, options.Value.StaleAfter);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Created($"/api/v1/directory/services/{service.Id}", ServiceDto.From(service, organisation!, now, options.Value.StaleAfter));
    }

    private static async Task<IResult> UpdateAsync(Guid id, ServiceInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var service = await db.Services.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (service is null) return Problems.NotFound("No such service.");
        // Permission first (who may edit at all): a caller who may not learns nothing from validation or the current
        // version. Which fields and areas the change touches is checked below.
        var currentOwner = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == service.OrganisationId, ct);
        if (!user.MaintainsAll(await cache.GetAsync(ct), service.AreaCodes) && !user.AdministersOrganisation(currentOwner.Code))
            return Problems.Forbidden("Only a pathway maintainer of the service's areas, or an agency admin of its organisation, may edit it.");
        var errors = Validate(input);
        if (errors.Any) return errors.ToProblem();
        if (EditResults.CheckVersion(input.Version, service.Version, errors) is { } versionProblem) return versionProblem;
        if (service.Retired) return Problems.Conflict("A retired service cannot be edited.", "The service is retired.");

        var (organisation, references) = await CheckReferencesAsync(db, input, ct);
        if (references.Any) return references.ToProblem();
        var view = await cache.GetAsync(ct);
        var owner = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == service.OrganisationId, ct);
        var maintainer = user.MaintainsAll(view, service.AreaCodes) && user.MaintainsAll(view, input.AreaCodes!);
        var changes = new ChangeSet();
        var acceptingBefore = (service.Accepting, service.NotAcceptingReason, service.NotAcceptingUntil);
        Apply(service, input, changes);
        if (!maintainer)
        {
            if (!user.AdministersOrganisation(owner.Code))
                return Problems.Forbidden("Only a pathway maintainer of the service's areas, or an agency admin of its organisation, may edit it.");
            var refused = changes.Fields.Except(AgencyAdminFields).ToList();
            if (refused.Count > 0)
                return Problems.Forbidden($"An agency admin may change only {string.Join(", ", AgencyAdminFields)}; not {string.Join(", ", refused)}.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Only a newly set day is checked: an old day sent back unchanged is not the caller's mistake.
        if (changes.Fields.Contains("notAcceptingUntil") && PastUntil(service, now) is { } past) return past;
        if (!changes.Any) return TypedResults.Ok(ServiceDto.From(service, organisation!, now, options.Value.StaleAfter));

        var actor = Actor.From(user);
        ChangeRecorder.Stamp(service, actor, now);
        var acceptingChanged = acceptingBefore != (service.Accepting, service.NotAcceptingReason, service.NotAcceptingUntil);
        ChangeRecorder.Service(db, service, organisation!, ChangeRecorder.Updated, changes.Fields, actor, now, options.Value.StaleAfter, acceptingChanged);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(ServiceDto.From(service, organisation!, now, options.Value.StaleAfter));
    }

    private static async Task<IResult> RetireAsync(Guid id, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var service = await db.Services.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (service is null) return Problems.NotFound("No such service.");
        var view = await cache.GetAsync(ct);
        if (!user.MaintainsAll(view, service.AreaCodes))
            return Problems.Forbidden("Only a pathway maintainer of every area the service is delivered in may retire it.");
        if (EditResults.CheckVersion(input.Version, service.Version, new FieldErrors()) is { } versionProblem) return versionProblem;
        if (service.Retired) return Problems.Conflict("Nothing to do.", "The service is already retired.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == service.OrganisationId, ct);
        service.Retired = true;
        ChangeRecorder.Stamp(service, actor, now);
        ChangeRecorder.Service(db, service, organisation, ChangeRecorder.Retired, ["retired"], actor, now, options.Value.StaleAfter);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(ServiceDto.From(service, organisation, now, options.Value.StaleAfter));
    }

    /// <summary>"Confirm reviewed": records a review without any other change (the six-monthly cycle, seeds 002/004).</summary>
    private static async Task<IResult> ReviewAsync(Guid id, VersionInput input, ClaimsPrincipal user, DirectoryDbContext db, DirectoryCache cache,
        TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken ct)
    {
        var service = await db.Services.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (service is null) return Problems.NotFound("No such service.");
        var view = await cache.GetAsync(ct);
        var organisation = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == service.OrganisationId, ct);
        if (!user.MaintainsAll(view, service.AreaCodes) && !user.AdministersOrganisation(organisation.Code))
            return Problems.Forbidden("Only a pathway maintainer of the service's areas, or an agency admin of its organisation, may confirm its review.");
        if (EditResults.CheckVersion(input.Version, service.Version, new FieldErrors()) is { } versionProblem) return versionProblem;
        if (service.Retired) return Problems.Conflict("A retired service cannot be reviewed.", "The service is retired.");

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = Actor.From(user);
        service.LastReviewedAt = now;
        service.LastReviewedBy = actor.Id;
        ChangeRecorder.Stamp(service, actor, now);
        ChangeRecorder.Service(db, service, organisation, ChangeRecorder.Reviewed, ["lastReviewedAt"], actor, now, options.Value.StaleAfter);
        if (await EditResults.SaveAsync(db, cache, ct) is { } failed) return failed;
        return TypedResults.Ok(ServiceDto.From(service, organisation, now, options.Value.StaleAfter));
    }
}
