using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Hsds;

/// <summary>Open Referral HSDS 3.0 read API (docs/hsds.md): paged envelope, HSDS query parameters, snake_case fields.</summary>
internal static partial class HsdsEndpoints
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")]
    private static partial System.Text.RegularExpressions.Regex HostPattern();

    public const int DefaultPerPage = 50;
    public const int MaxPerPage = 200;
    public const string Profile = "https://docs.openreferral.org/en/latest/hsds/overview.html";

    public static void Map(IEndpointRouteBuilder app)
    {
        var hsds = app.MapGroup("/hsds").WithTags("HSDS 3.0");
        // Published directories are read without a token (Directory:HsdsPublic); contacts are then left out (Visible).
        if (app.ServiceProvider.GetRequiredService<IOptions<DirectoryOptions>>().Value.HsdsPublic) hsds.AllowAnonymous();
        hsds.AddEndpointFilter(RefuseUkProfileParameters);

        hsds.MapGet("/", (HttpContext http, IOptions<DirectoryOptions> options) => Json(new HsdsMeta("3.0", Profile,
            BaseUrl(http, options.Value) + "/openapi/v1.json",
            "ReferralHub directory: child protection service mapping and referral pathways (fictional demo data in Development). Deviations: docs/hsds.md.",
            new HsdsPublisher("ReferralHub", null)))).WithName("HsdsAbout");
        hsds.MapGet("/services", ListServicesAsync).WithName("HsdsListServices");
        hsds.MapGet("/services/{id}", GetServiceAsync).WithName("HsdsGetService");
        hsds.MapGet("/organizations", ListOrganizationsAsync).WithName("HsdsListOrganizations");
        hsds.MapGet("/organizations/{id}", GetOrganizationAsync).WithName("HsdsGetOrganization");
        hsds.MapGet("/service_at_locations", ListServiceAtLocationsAsync).WithName("HsdsListServiceAtLocations");
        hsds.MapGet("/service_at_locations/{id}", GetServiceAtLocationAsync).WithName("HsdsGetServiceAtLocation");
        hsds.MapGet("/taxonomies", (string? search, int? page, [FromQuery(Name = "per_page")] int? perPage, string? format) =>
        {
            var taxonomies = HsdsMapper.Taxonomies.Where(t => Matches(search, t.Name, t.Description, t.Code)).ToList();
            return PageOf(taxonomies, page, perPage, format, out var problem) is { } result ? Json(result) : problem!;
        }).WithName("HsdsListTaxonomies");
        hsds.MapGet("/taxonomies/{id}", (string id) => HsdsMapper.FindTaxonomy(id) is { } taxonomy ? Json(taxonomy) : NotFound()).WithName("HsdsGetTaxonomy");
        hsds.MapGet("/taxonomy_terms", (string? search, [FromQuery(Name = "taxonomy_id")] string? taxonomyId,
            [FromQuery(Name = "top_only")] bool? topOnly, [FromQuery(Name = "parent_id")] string? parentId,
            int? page, [FromQuery(Name = "per_page")] int? perPage, string? format) =>
        {
            var taxonomy = taxonomyId is null ? null : HsdsMapper.FindTaxonomy(taxonomyId)?.Code ?? "";
            // The hub's taxonomies are flat: every term is top-level, so parent_id matches none and top_only keeps all.
            var terms = HsdsMapper.Terms.Where(t => (taxonomy is null || t.Taxonomy == taxonomy) && Matches(search, t.Name, t.Code, t.Description))
                .Where(t => topOnly != true || t.ParentId is null)
                .Where(t => parentId is null || string.Equals(t.ParentId, HsdsMapper.FindTerm(parentId)?.Id ?? parentId, StringComparison.OrdinalIgnoreCase));
            return PageOf(terms.ToList(), page, perPage, format, out var problem) is { } result ? Json(result) : problem!;
        }).WithName("HsdsListTaxonomyTerms");
        hsds.MapGet("/taxonomy_terms/{id}", (string id) => HsdsMapper.FindTerm(id) is { } term ? Json(term) : NotFound()).WithName("HsdsGetTaxonomyTerm");
    }

    /// <summary>Open Referral UK (HSDS-UK) profile parameters the hub does not implement: refused by name, never silently ignored.</summary>
    private static readonly string[] UkProfileParameters = ["text", "vocabulary", "taxonomy_type", "age", "day", "start_time", "end_time", "coverage", "sort_by"];

    private static async ValueTask<object?> RefuseUkProfileParameters(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var errors = new FieldErrors();
        foreach (var name in UkProfileParameters.Where(context.HttpContext.Request.Query.ContainsKey))
            errors.Add(name, "is an Open Referral UK profile parameter the hub does not support (docs/hsds.md); HSDS 3.0 parameters: search, taxonomy_term_id, taxonomy_id, organization_id, modified_after, full, page, per_page");
        return errors.Any ? errors.ToProblem() : await next(context);
    }

    private static IResult Json<T>(T value) => TypedResults.Json(value, HsdsJson.Options);

    private static IResult NotFound() => Problems.NotFound("No such entry in the directory.");

    /// <summary>openapi_url must be absolute (HSDS: format uri): the configured public address, else the one the caller used.</summary>
    private static string BaseUrl(HttpContext http, DirectoryOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)) return options.PublicBaseUrl.TrimEnd('/');
        // Behind the gateway (YARP) the caller's address is in X-Forwarded-*; the value only names a document, it grants nothing.
        var host = http.Request.Headers["X-Forwarded-Host"].FirstOrDefault()?.Split(',')[0].Trim();
        var scheme = http.Request.Headers["X-Forwarded-Proto"].FirstOrDefault()?.Split(',')[0].Trim();
        if (host is null || !HostPattern().IsMatch(host)) host = null;
        if (scheme is not ("http" or "https")) scheme = null;
        return $"{scheme ?? http.Request.Scheme}://{host ?? http.Request.Host.Value}{http.Request.PathBase}";
    }

    /// <summary>Focal points' names, e-mails and phones go only to authenticated callers, never to anonymous readers.</summary>
    private static bool Visible(HttpContext http) => http.User.Identity?.IsAuthenticated == true;

    private static bool Matches(string? search, params string?[] fields) =>
        string.IsNullOrWhiteSpace(search) || fields.Any(f => f?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>HSDS parameters the hub does not implement are refused by name, never silently ignored.</summary>
    private static void Unsupported(FieldErrors errors, string? format, bool? minimal = null, string? postcode = null, string? proximity = null)
    {
        if (format is not null && !format.Equals("json", StringComparison.OrdinalIgnoreCase))
            errors.Add("format", "only json is supported (no ndjson): walk the pages instead");
        if (minimal == true) errors.Add("minimal", "is not supported: use per_page (up to 200) and page");
        if (postcode is not null) errors.Add("postcode", "is not supported: services are mapped to areas (service_areas[].extent), not postcodes");
        if (proximity is not null) errors.Add("proximity", "is not supported: services are mapped to areas, not coordinates");
    }

    /// <summary>The HSDS Page envelope; page numbers start at 1, per_page is bounded (1–200).</summary>
    internal static HsdsPage<T>? PageOf<T>(IReadOnlyList<T> items, int? page, int? perPage, out IResult? problem) =>
        PageOf(items, page, perPage, null, out problem);

    private static HsdsPage<T>? PageOf<T>(IReadOnlyList<T> items, int? page, int? perPage, string? format, out IResult? problem,
        FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        Unsupported(errors, format);
        if (page is < 1) errors.Add("page", "must be 1 or more");
        if (perPage is < 1 or > MaxPerPage) errors.Add("per_page", $"must be between 1 and {MaxPerPage}");
        problem = errors.Any ? errors.ToProblem() : null;
        if (errors.Any) return null;
        var size = perPage ?? DefaultPerPage;
        var number = page ?? 1;
        var totalPages = Math.Max(1, (items.Count + size - 1) / size);
        var contents = items.Skip((number - 1) * size).Take(size).ToList();
        return new HsdsPage<T>(items.Count, totalPages, number, contents.Count, number == 1, number >= totalPages, contents.Count == 0, contents);
    }

    private static HsdsPage<TOut> Select<TIn, TOut>(HsdsPage<TIn> page, Func<TIn, TOut> map) =>
        new(page.TotalItems, page.TotalPages, page.PageNumber, page.Size, page.FirstPage, page.LastPage, page.Empty, [.. page.Contents.Select(map)]);

    private static IEnumerable<DirectoryService> FilterServices(DirectoryView view, string? search, string? taxonomyTermId, string? taxonomyId,
        string? organizationId, DateTime? modifiedAfter)
    {
        // Term and taxonomy ids are UUIDs; the older <taxonomy>:<code> names still work. An unknown id matches nothing.
        var termId = taxonomyTermId is null ? null : HsdsMapper.FindTerm(taxonomyTermId)?.Id ?? "";
        var taxonomy = taxonomyId is null ? null : HsdsMapper.FindTaxonomy(taxonomyId)?.Code ?? "";
        return view.Services.Values
            .Where(s => !s.Retired && view.Organisations.TryGetValue(s.OrganisationId, out var o) && !o.Retired)
            .Where(s => organizationId is null || string.Equals(s.OrganisationId.ToString(), organizationId, StringComparison.OrdinalIgnoreCase))
            .Where(s => modifiedAfter is null || s.UpdatedAt >= modifiedAfter.Value.ToUniversalTime())
            .Where(s => termId is null || TermIds(s).Contains(termId))
            .Where(s => taxonomy is null || TermIds(s).Any(t => HsdsMapper.FindTerm(t)?.Taxonomy == taxonomy))
            .Where(s => Matches(search, s.Name, s.Description, view.Organisations[s.OrganisationId].Name, ServiceTypes.Find(s.ServiceType)?.Name))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id);
    }

    private static IEnumerable<string> TermIds(DirectoryService s) =>
    [
        HsdsTaxonomies.TermId(HsdsTaxonomies.ServiceTypes, s.ServiceType),
        .. s.ProtectionConcerns.Select(c => HsdsTaxonomies.TermId(HsdsTaxonomies.ProtectionConcerns, c)),
        .. s.Sexes.Select(x => HsdsTaxonomies.TermId(HsdsTaxonomies.Sexes, x)),
    ];

    private static async Task<IResult> ListServicesAsync(HttpContext http, string? search, [FromQuery(Name = "taxonomy_term_id")] string? taxonomyTermId,
        [FromQuery(Name = "taxonomy_id")] string? taxonomyId, [FromQuery(Name = "organization_id")] string? organizationId,
        [FromQuery(Name = "modified_after")] DateTime? modifiedAfter, bool? full, bool? minimal, string? format, int? page, [FromQuery(Name = "per_page")] int? perPage,
        DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Unsupported(errors, null, minimal);
        var view = await cache.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var services = FilterServices(view, search, taxonomyTermId, taxonomyId, organizationId, modifiedAfter).ToList();
        var result = PageOf(services, page, perPage, format, out var problem, errors);
        if (result is null) return problem!;
        return Json(Select(result, s => HsdsMapper.Service(s, view.Organisations[s.OrganisationId], view, full == true, false, now, Visible(http))));
    }

    private static async Task<IResult> GetServiceAsync(HttpContext http, string id, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        if (!Guid.TryParse(id, out var guid) || !view.Services.TryGetValue(guid, out var s)) return NotFound();
        var o = view.Organisations[s.OrganisationId];
        return Json(HsdsMapper.Service(s, o, view, full: true, extension: false, clock.GetUtcNow().UtcDateTime, Visible(http))
            with { Organization = HsdsMapper.Organization(o, full: false) });
    }

    private static async Task<IResult> ListOrganizationsAsync(HttpContext http, string? search, [FromQuery(Name = "modified_after")] DateTime? modifiedAfter,
        bool? full, [FromQuery(Name = "full_service")] bool? fullService, string? format,
        int? page, [FromQuery(Name = "per_page")] int? perPage, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var organisations = view.Organisations.Values
            .Where(o => !o.Retired && Matches(search, o.Name, o.Acronym, o.Code, o.Description))
            .Where(o => modifiedAfter is null || o.UpdatedAt >= modifiedAfter.Value.ToUniversalTime())
            .OrderBy(o => o.Name, StringComparer.Ordinal).ThenBy(o => o.Id).ToList();
        var result = PageOf(organisations, page, perPage, format, out var problem);
        if (result is null) return problem!;
        var nested = full == true || fullService == true;
        return Json(Select(result, o => HsdsMapper.Organization(o, nested,
            nested ? ServicesOf(view, o, now, fullService == true, Visible(http)) : null, Visible(http))));
    }

    private static IEnumerable<HsdsService> ServicesOf(DirectoryView view, Organisation o, DateTime now, bool full, bool contacts) =>
        view.Services.Values.Where(s => s.OrganisationId == o.Id && !s.Retired).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id)
            .Select(s => HsdsMapper.Service(s, o, view, full, extension: false, now, contacts));

    private static async Task<IResult> GetOrganizationAsync(HttpContext http, string id, [FromQuery(Name = "full_service")] bool? fullService,
        DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        if (!Guid.TryParse(id, out var guid) || !view.Organisations.TryGetValue(guid, out var o)) return NotFound();
        return Json(HsdsMapper.Organization(o, full: true, ServicesOf(view, o, clock.GetUtcNow().UtcDateTime, fullService == true, Visible(http)), Visible(http)));
    }

    /// <summary>One row per (service, area where delivered): areas stand in for HSDS locations. Its id is derived from both.</summary>
    private static IEnumerable<(DirectoryService Service, Area Area, string Id)> Rows(DirectoryView view, IEnumerable<DirectoryService> services) =>
        services.SelectMany(s => s.AreaCodes.Where(view.Areas.ContainsKey)
            .Select(a => (s, view.Areas[a], HsdsIds.For("service-at-location", s.Id.ToString(), a))));

    private static HsdsServiceAtLocation ServiceAtLocation(DirectoryView view, (DirectoryService Service, Area Area, string Id) r, bool full, DateTime now, bool contacts)
    {
        var location = HsdsMapper.Location(r.Area);
        return new HsdsServiceAtLocation(r.Id, r.Service.Id.ToString(), location.Id, location,
            full ? HsdsMapper.Service(r.Service, view.Organisations[r.Service.OrganisationId], view, full: true, extension: false, now, contacts) : null);
    }

    private static async Task<IResult> ListServiceAtLocationsAsync(HttpContext http, string? search, [FromQuery(Name = "taxonomy_term_id")] string? taxonomyTermId,
        [FromQuery(Name = "taxonomy_id")] string? taxonomyId, [FromQuery(Name = "organization_id")] string? organizationId,
        [FromQuery(Name = "modified_after")] DateTime? modifiedAfter, bool? full, string? format, string? postcode, string? proximity,
        int? page, [FromQuery(Name = "per_page")] int? perPage, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Unsupported(errors, null, postcode: postcode, proximity: proximity);
        var view = await cache.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = Rows(view, FilterServices(view, search, taxonomyTermId, taxonomyId, organizationId, modifiedAfter)).ToList();
        var result = PageOf(rows, page, perPage, format, out var problem, errors);
        if (result is null) return problem!;
        return Json(Select(result, r => ServiceAtLocation(view, r, full == true, now, Visible(http))));
    }

    private static async Task<IResult> GetServiceAtLocationAsync(HttpContext http, string id, DirectoryCache cache, TimeProvider clock, CancellationToken ct)
    {
        var view = await cache.GetAsync(ct);
        var live = view.Services.Values.Where(s => !s.Retired && view.Organisations.TryGetValue(s.OrganisationId, out var o) && !o.Retired);
        var row = Rows(view, live).FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
        return row.Id is null ? NotFound() : Json(ServiceAtLocation(view, row, full: true, clock.GetUtcNow().UtcDateTime, Visible(http)));
    }
}
