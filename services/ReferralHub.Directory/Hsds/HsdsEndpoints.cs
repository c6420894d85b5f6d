using Microsoft.AspNetCore.Mvc;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Web;

namespace ReferralHub.Directory.Hsds;

/// <summary>Open Referral HSDS 3.0 read API (docs/hsds.md): paged envelope, HSDS query parameters, snake_case fields.</summary>
internal static class HsdsEndpoints
{
    public const int DefaultPerPage = 50;
    public const int MaxPerPage = 200;

    public static void Map(IEndpointRouteBuilder app)
    {
        var hsds = app.MapGroup("/hsds").WithTags("HSDS 3.0");
        hsds.MapGet("/", (HttpContext http) => Json(new HsdsMeta("3.0",
            "https://docs.openreferral.org/en/latest/hsds/overview.html", "/openapi/v1.json",
            "ReferralHub directory: child protection service mapping and referral pathways (fictional demo data in Development). Deviations: docs/hsds.md.",
            new HsdsPublisher("ReferralHub", null))));
        hsds.MapGet("/services", ListServicesAsync);
        hsds.MapGet("/services/{id}", GetServiceAsync);
        hsds.MapGet("/organizations", ListOrganizationsAsync);
        hsds.MapGet("/organizations/{id}", GetOrganizationAsync);
        hsds.MapGet("/service_at_locations", ListServiceAtLocationsAsync);
        hsds.MapGet("/taxonomies", (int? page, [FromQuery(Name = "per_page")] int? perPage) =>
            PageOf(HsdsMapper.Taxonomies, page, perPage, out var problem) is { } result ? Json(result) : problem!);
        hsds.MapGet("/taxonomy_terms", (string? search, [FromQuery(Name = "taxonomy_id")] string? taxonomyId, int? page, [FromQuery(Name = "per_page")] int? perPage) =>
        {
            var terms = HsdsMapper.Terms.Where(t => (taxonomyId is null || t.TaxonomyId == taxonomyId) && Matches(search, t.Name, t.Code));
            return PageOf(terms.ToList(), page, perPage, out var problem) is { } result ? Json(result) : problem!;
        });
        hsds.MapGet("/taxonomy_terms/{id}", (string id) => HsdsMapper.FindTerm(id) is { } term ? Json(term) : NotFound());
    }

    private static IResult Json<T>(T value) => TypedResults.Json(value, HsdsJson.Options);

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    private static bool Matches(string? search, params string?[] fields) =>
        string.IsNullOrWhiteSpace(search) || fields.Any(f => f?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The HSDS Page envelope; page numbers start at 1, per_page is bounded (1–200).</summary>
    internal static HsdsPage<T>? PageOf<T>(IReadOnlyList<T> items, int? page, int? perPage, out IResult? problem)
    {
        var errors = new Errors();
        if (page is < 1) errors.Add("page", "must be 1 or more");
        if (perPage is < 1 or > MaxPerPage) errors.Add("per_page", $"must be between 1 and {MaxPerPage}");
        problem = errors.Any ? errors.Problem() : null;
        if (errors.Any) return null;
        var size = perPage ?? DefaultPerPage;
        var number = page ?? 1;
        var totalPages = Math.Max(1, (items.Count + size - 1) / size);
        var contents = items.Skip((number - 1) * size).Take(size).ToList();
        return new HsdsPage<T>(items.Count, totalPages, number, contents.Count, number == 1, number >= totalPages, contents.Count == 0, contents);
    }

    private static IEnumerable<DirectoryService> FilterServices(DirectoryView view, string? search, string? taxonomyTermId, string? taxonomyId,
        string? organizationId, DateTime? modifiedAfter) =>
        view.Services.Values
            .Where(s => !s.Retired && view.Organisations.TryGetValue(s.OrganisationId, out var o) && !o.Retired)
            .Where(s => organizationId is null || s.OrganisationId.ToString() == organizationId)
            .Where(s => modifiedAfter is null || s.UpdatedAt >= modifiedAfter.Value.ToUniversalTime())
            .Where(s => taxonomyTermId is null || TermIds(s).Contains(taxonomyTermId))
            .Where(s => taxonomyId is null || TermIds(s).Any(t => t.StartsWith(taxonomyId + ":", StringComparison.Ordinal)))
            .Where(s => Matches(search, s.Name, s.Description, view.Organisations[s.OrganisationId].Name, ServiceTypes.Find(s.ServiceType)?.Name))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id);

    private static IEnumerable<string> TermIds(DirectoryService s) =>
    [
        HsdsTaxonomies.TermId(HsdsTaxonomies.ServiceTypes, s.ServiceType),
        .. s.ProtectionConcerns.Select(c => HsdsTaxonomies.TermId(HsdsTaxonomies.ProtectionConcerns, c)),
        .. s.Sexes.Select(x => HsdsTaxonomies.TermId(HsdsTaxonomies.Sexes, x)),
    ];

    private static async Task<IResult> ListServicesAsync(string? search, [FromQuery(Name = "taxonomy_term_id")] string? taxonomyTermId,
        [FromQuery(Name = "taxonomy_id")] string? taxonomyId, [FromQuery(Name = "organization_id")] string? organizationId,
        [FromQuery(Name = "modified_after")] DateTime? modifiedAfter, bool? full, int? page, [FromQuery(Name = "per_page")] int? perPage,
        DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var services = FilterServices(view, search, taxonomyTermId, taxonomyId, organizationId, modifiedAfter).ToList();
        var result = PageOf(services, page, perPage, out var problem);
        if (result is null) return problem!;
        return Json(new HsdsPage<HsdsService>(result.TotalItems, result.TotalPages, result.PageNumber, result.Size, result.FirstPage, result.LastPage, result.Empty,
            [.. result.Contents.Select(s => HsdsMapper.Service(s, view.Organisations[s.OrganisationId], view, full == true, false, now))]));
    }

    private static async Task<IResult> GetServiceAsync(string id, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        if (!Guid.TryParse(id, out var guid) || !view.Services.TryGetValue(guid, out var s)) return NotFound();
        var o = view.Organisations[s.OrganisationId];
        return Json(HsdsMapper.Service(s, o, view, full: true, extension: false, clock.GetUtcNow().UtcDateTime) with { Organization = HsdsMapper.Organization(o, full: false) });
    }

    private static async Task<IResult> ListOrganizationsAsync(string? search, [FromQuery(Name = "modified_after")] DateTime? modifiedAfter, bool? full,
        int? page, [FromQuery(Name = "per_page")] int? perPage, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var organisations = view.Organisations.Values
            .Where(o => !o.Retired && Matches(search, o.Name, o.Acronym, o.Code, o.Description))
            .Where(o => modifiedAfter is null || o.UpdatedAt >= modifiedAfter.Value.ToUniversalTime())
            .OrderBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.Id).ToList();
        var result = PageOf(organisations, page, perPage, out var problem);
        if (result is null) return problem!;
        return Json(new HsdsPage<HsdsOrganization>(result.TotalItems, result.TotalPages, result.PageNumber, result.Size, result.FirstPage, result.LastPage, result.Empty,
            [.. result.Contents.Select(o => HsdsMapper.Organization(o, full == true, full == true ? ServicesOf(view, o, now) : null))]));
    }

    private static IEnumerable<HsdsService> ServicesOf(DirectoryView view, Organisation o, DateTime now) =>
        view.Services.Values.Where(s => s.OrganisationId == o.Id && !s.Retired).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id)
            .Select(s => HsdsMapper.Service(s, o, view, full: false, extension: false, now));

    private static async Task<IResult> GetOrganizationAsync(string id, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        if (!Guid.TryParse(id, out var guid) || !view.Organisations.TryGetValue(guid, out var o)) return NotFound();
        return Json(HsdsMapper.Organization(o, full: true, ServicesOf(view, o, clock.GetUtcNow().UtcDateTime)));
    }

    /// <summary>One row per (service, area where delivered): areas stand in for HSDS locations.</summary>
    private static async Task<IResult> ListServiceAtLocationsAsync(string? search, [FromQuery(Name = "taxonomy_term_id")] string? taxonomyTermId,
        [FromQuery(Name = "taxonomy_id")] string? taxonomyId, [FromQuery(Name = "organization_id")] string? organizationId,
        [FromQuery(Name = "modified_after")] DateTime? modifiedAfter, bool? full, int? page, [FromQuery(Name = "per_page")] int? perPage,
        DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = FilterServices(view, search, taxonomyTermId, taxonomyId, organizationId, modifiedAfter)
            .SelectMany(s => s.AreaCodes.Where(view.Areas.ContainsKey).Select(a => (Service: s, Area: view.Areas[a])))
            .ToList();
        var result = PageOf(rows, page, perPage, out var problem);
        if (result is null) return problem!;
        return Json(new HsdsPage<HsdsServiceAtLocation>(result.TotalItems, result.TotalPages, result.PageNumber, result.Size, result.FirstPage, result.LastPage, result.Empty,
            [.. result.Contents.Select(r => new HsdsServiceAtLocation(
                HsdsIds.For("service-at-location", r.Service.Id.ToString(), r.Area.Code), r.Service.Id.ToString(), HsdsMapper.Location(r.Area).Id,
                HsdsMapper.Location(r.Area),
                full == true ? HsdsMapper.Service(r.Service, view.Organisations[r.Service.OrganisationId], view, full: true, extension: false, now) : null))]));
    }
}
