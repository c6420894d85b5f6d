using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Pathways.Query;

public sealed record OrganisationRef(Guid Id, string Code, string Name, string? Acronym, string Kind);

public sealed record PathwayServiceDto(
    int Rank, Guid Id, string Name, string ServiceType, OrganisationRef Organisation,
    /// <summary>The area (the queried one or an ancestor) where the service is delivered.</summary>
    string DeliveredIn,
    /// <summary>The area whose pathway placed it; null when it follows the pathway as an unlisted alternative.</summary>
    string? PathwayArea,
    bool Stale, DateTime? LastReviewedAt, EligibilitySnapshot Eligibility, IReadOnlyList<string> Languages,
    string? Hours, string? HowToRefer, string? CapacityNote, IReadOnlyList<FocalPointSnapshot> FocalPoints, long Version);

public sealed record ExcludedServiceDto(Guid Id, string Name, string OrganisationCode, IReadOnlyList<string> Reasons);

public sealed record PathwayResponse(
    string Area, string ServiceType, bool ReofferToNext, string? PathwayArea,
    IReadOnlyList<PathwayServiceDto> Services,
    IReadOnlyList<FocalPointSnapshot> ChildProtectionFocalPoints,
    /// <summary>Only with explain=true: candidates left out, with why.</summary>
    IReadOnlyList<ExcludedServiceDto>? Excluded);

internal static class PathwayEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/pathways", QueryAsync).WithName("QueryPathway").WithTags("Pathways");

    private static async Task<Results<Ok<PathwayResponse>, ValidationProblem>> QueryAsync(
        string? area, string? serviceType, int? age, string? sex, string? language, string? protectionConcern, bool? explain,
        DirectoryCache cache, TimeProvider clock, IOptions<DirectoryOptions> options, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Require("area", area);
        errors.Require("serviceType", serviceType);
        if (serviceType is not null && !ServiceTypes.IsServiceType(serviceType)) errors.Add("serviceType", "unknown service type code (see docs/taxonomy.md)");
        if (age is < 0 or > 120) errors.Add("age", "must be between 0 and 120");
        if (sex is not null && !Sexes.All.Contains(sex)) errors.Add("sex", $"must be one of {string.Join(", ", Sexes.All)}");
        if (errors.Any) return errors.ToProblem();

        var view = await cache.GetAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var resolution = PathwayResolver.Resolve(view, new PathwayQuery(area!, serviceType!, age, sex, language, protectionConcern), now, options.Value.StaleAfter);
        if (!resolution.AreaKnown) return new FieldErrors().Add("area", "unknown area code").ToProblem();

        return TypedResults.Ok(new PathwayResponse(
            area!, serviceType!, resolution.ReofferToNext, resolution.PathwayArea,
            [.. resolution.Services.Select((r, i) => ToDto(r, i + 1))],
            resolution.FocalPointArea?.FocalPoints.ToSnapshots() ?? [],
            explain == true ? [.. resolution.Excluded.Select(e => new ExcludedServiceDto(e.Service.Id, e.Service.Name, e.Organisation.Code, e.Reasons))] : null));
    }

    private static PathwayServiceDto ToDto(RankedService r, int rank)
    {
        var s = r.Service;
        var o = r.Organisation;
        return new PathwayServiceDto(rank, s.Id, s.Name, s.ServiceType, new OrganisationRef(o.Id, o.Code, o.Name, o.Acronym, o.Kind),
            r.DeliveredIn, r.PathwayArea, r.Stale, s.LastReviewedAt,
            new EligibilitySnapshot(s.MinAge, s.MaxAge, s.Sexes, s.ProtectionConcerns), s.Languages,
            s.Hours, s.HowToRefer, s.CapacityNote, s.FocalPoints.ToSnapshots(), s.Version);
    }
}
