using System.Globalization;
using Hl7.Fhir.Model;
using ReferralHub.Fhir.Referrals;
using ReferralHub.Fhir.Web;

namespace ReferralHub.Fhir.Directory;

/// <summary>HealthcareService, Organization and Location read and search, from the directory's REST API; CodeSystem read.</summary>
internal static class DirectoryEndpoints
{
    public const int DefaultCount = 50;
    public const int MaxCount = 200;

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/HealthcareService/{id}", async (string id, HubApi api, CancellationToken ct) =>
            Guid.TryParse(id, out var guid) && await api.TryGetAsync<ServiceDto>($"api/v1/directory/services/{guid}", ct) is { } s
                ? new FhirResult(DirectoryMapping.Service(s)) : throw FhirException.NotFound($"No HealthcareService/{id}.")).WithName("FhirReadHealthcareService");
        fhir.MapGet("/HealthcareService", SearchServicesAsync).WithName("FhirSearchHealthcareServices");
        fhir.MapGet("/Organization/{id}", async (string id, HubApi api, CancellationToken ct) =>
            Guid.TryParse(id, out var guid) && await api.TryGetAsync<OrganisationDto>($"api/v1/directory/organisations/{guid}", ct) is { } o
                ? new FhirResult(DirectoryMapping.Organisation(o)) : throw FhirException.NotFound($"No Organization/{id}.")).WithName("FhirReadOrganization");
        fhir.MapGet("/Organization", SearchOrganisationsAsync).WithName("FhirSearchOrganizations");
        fhir.MapGet("/Location/{id}", async (string id, HubApi api, CancellationToken ct) =>
            await api.TryGetAsync<AreaDto>($"api/v1/directory/areas/{Uri.EscapeDataString(id)}", ct) is { } a
                ? new FhirResult(DirectoryMapping.Area(a)) : throw FhirException.NotFound($"No Location/{id}.")).WithName("FhirReadLocation");
        fhir.MapGet("/Location", SearchLocationsAsync).WithName("FhirSearchLocations");
        fhir.MapGet("/CodeSystem/{id}", (string id) => id == "service-type"
            ? new FhirResult(DirectoryMapping.ServiceTypeCodeSystem()) : throw FhirException.NotFound($"No CodeSystem/{id}; the hub publishes CodeSystem/service-type.")).WithName("FhirReadCodeSystem");
    }

    private static async Task<IResult> SearchServicesAsync(HttpRequest http, HubApi api, CancellationToken ct)
    {
        var search = FhirSearch.Parse(http, DefaultCount, MaxCount, "service-category", "location", "active", "organization", "_lastUpdated");
        var q = http.Query;
        var parameters = new List<string> { "includeRetired=true" };
        var category = Token(q["service-category"].FirstOrDefault(), FhirSystems.ServiceType, "service-category");
        if (category is not null) parameters.Add("serviceType=" + Uri.EscapeDataString(category));
        var location = q["location"].FirstOrDefault() is { } l ? (l.StartsWith("Location/", StringComparison.Ordinal) ? l["Location/".Length..] : l) : null;
        if (location is not null) parameters.Add("area=" + Uri.EscapeDataString(location));
        var active = Bool(q["active"].FirstOrDefault(), "active");
        var organisation = q["organization"].FirstOrDefault() is { } o ? (o.StartsWith("Organization/", StringComparison.Ordinal) ? o["Organization/".Length..] : o) : null;
        var updated = q["_lastUpdated"].Select(v => DateParam.Parse("_lastUpdated", v)).ToList();
        var services = await api.GetAllAsync<PageOfServiceDto, ServiceDto>($"api/v1/directory/services?{string.Join('&', parameters)}", ct);
        var matches = services
            .Where(s => active is null || s.Retired != active)
            .Where(s => organisation is null || s.OrganisationId.ToString() == organisation)
            .Where(s => updated.All(u => u.Matches(Utc(s.UpdatedAt))))
            .Select(DirectoryMapping.Service);
        return new FhirResult(search.Page(http, "HealthcareService", [.. matches]));
    }

    private static async Task<IResult> SearchOrganisationsAsync(HttpRequest http, HubApi api, CancellationToken ct)
    {
        var search = FhirSearch.Parse(http, DefaultCount, MaxCount, "identifier", "name", "active", "_lastUpdated");
        var q = http.Query;
        var identifier = Token(q["identifier"].FirstOrDefault(), FhirSystems.OrganisationCode, "identifier");
        var name = q["name"].FirstOrDefault();
        var active = Bool(q["active"].FirstOrDefault(), "active");
        var updated = q["_lastUpdated"].Select(v => DateParam.Parse("_lastUpdated", v)).ToList();
        var organisations = await api.GetAllAsync<PageOfOrganisationDto, OrganisationDto>("api/v1/directory/organisations?includeRetired=true", ct);
        var matches = organisations
            .Where(o => identifier is null || o.Code == identifier)
            .Where(o => name is null || o.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase) || o.Acronym?.StartsWith(name, StringComparison.OrdinalIgnoreCase) == true)
            .Where(o => active is null || o.Retired != active)
            .Where(o => updated.All(u => u.Matches(Utc(o.UpdatedAt))))
            .Select(DirectoryMapping.Organisation);
        return new FhirResult(search.Page(http, "Organization", [.. matches]));
    }

    private static async Task<IResult> SearchLocationsAsync(HttpRequest http, HubApi api, CancellationToken ct)
    {
        var search = FhirSearch.Parse(http, DefaultCount, MaxCount, "identifier", "name", "partof", "_lastUpdated");
        var q = http.Query;
        var partOf = q["partof"].FirstOrDefault() is { } p ? (p.StartsWith("Location/", StringComparison.Ordinal) ? p["Location/".Length..] : p) : null;
        var identifier = Token(q["identifier"].FirstOrDefault(), FhirSystems.AreaCode, "identifier");
        var name = q["name"].FirstOrDefault();
        var updated = q["_lastUpdated"].Select(v => DateParam.Parse("_lastUpdated", v)).ToList();
        var path = "api/v1/directory/areas" + (partOf is null ? "" : "?parent=" + Uri.EscapeDataString(partOf));
        var areas = await api.GetAllAsync<PageOfAreaDto, AreaDto>(path, ct);
        var matches = areas
            .Where(a => identifier is null || a.Code == identifier)
            .Where(a => name is null || a.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase))
            .Where(a => updated.All(u => u.Matches(Utc(a.UpdatedAt))))
            .Select(DirectoryMapping.Area);
        return new FhirResult(search.Page(http, "Location", [.. matches]));
    }

    /// <summary>A token parameter: "code" or "system|code" where the system must be <paramref name="system"/>.</summary>
    private static string? Token(string? value, string system, string name)
    {
        if (value is null) return null;
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        if (bar < 0) return value;
        var given = value[..bar];
        if (given.Length > 0 && given != system) throw FhirException.Invalid(name, $"Codes of {name} are from {system}.");
        return value[(bar + 1)..];
    }

    private static bool? Bool(string? value, string name) => value switch
    {
        null => null,
        "true" => true,
        "false" => false,
        _ => throw FhirException.Invalid(name, "true or false."),
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
