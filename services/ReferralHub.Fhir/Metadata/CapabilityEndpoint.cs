using Hl7.Fhir.Model;
using ReferralHub.Fhir.Web;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace ReferralHub.Fhir.Metadata;

/// <summary>
/// GET /fhir/metadata: exactly what this facade supports (tests check it against what they exercise). Anonymous, as
/// FHIR clients read it before they have a token.
/// </summary>
internal static class CapabilityEndpoint
{
    public static void Map(RouteGroupBuilder fhir) =>
        fhir.MapGet("/metadata", (HttpRequest http) => new FhirResult(Statement(FhirModule.BaseUrl(http)))).WithName("FhirCapabilityStatement");

    /// <summary>The resource types the server has (for 405 versus 404 on an unsupported interaction).</summary>
    public static readonly IReadOnlySet<string> ResourceTypes = Statement("http://localhost/fhir").Rest[0].Resource.Select(r => r.Type!).ToHashSet(StringComparer.Ordinal);

    public static CapabilityStatement Statement(string baseUrl)
    {
        var statement = new CapabilityStatement
        {
            Id = "referralhub",
            Url = FhirSystems.Base + "/CapabilityStatement/referralhub",
            Name = "ReferralHub",
            Title = "ReferralHub FHIR R4 API",
            Status = PublicationStatus.Active,
            Experimental = false,
            Date = "2026-11-23",
            Publisher = "ReferralHub",
            Description = new Markdown("Interagency child protection referrals (ServiceRequest + Task, the BSeR/360X pattern), consent and the service directory, on the same services and rules as the REST API. See docs/fhir.md."),
            Kind = CapabilityStatementKind.Instance,
            Software = new SoftwareComponent { Name = "ReferralHub" },
            Implementation = new ImplementationComponent { Description = "ReferralHub FHIR facade", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "json"],
            // FHIRPath Patch (a Parameters resource) and JSON Patch, on Task.
            PatchFormat = ["application/fhir+json", "application/json-patch+json"],
        };
        var rest = new RestComponent
        {
            Mode = RestfulCapabilityMode.Server,
            Documentation = new Markdown("Bearer tokens from POST /connect/token (OAuth2 client credentials), the same tokens and roles as the REST API."),
            Security = Security(baseUrl),
            Interaction = [new SystemInteractionComponent { Code = SystemRestfulInteraction.Transaction, Documentation = new Markdown("A referral: ServiceRequest + Task (+ Patient, Practitioner) in one transaction.") }],
        };
        rest.Resource.Add(Resource(ResourceType.ServiceRequest, [TypeRestfulInteraction.Read, TypeRestfulInteraction.Create, TypeRestfulInteraction.SearchType],
            [("status", SearchParamType.Token), ("requester", SearchParamType.Reference), ("identifier", SearchParamType.Token), ("_lastUpdated", SearchParamType.Date), ("_count", SearchParamType.Number)],
            conditionalCreate: true, documentation: "A referral. Conditional create on identifier (If-None-Exist) is idempotent; search by identifier (system|value) finds it again. A provider sees the minimal summary until it accepts."));
        rest.Resource.Add(Resource(ResourceType.Task, [TypeRestfulInteraction.Read, TypeRestfulInteraction.Update, TypeRestfulInteraction.Patch, TypeRestfulInteraction.SearchType],
            [("status", SearchParamType.Token), ("owner", SearchParamType.Reference), ("_lastUpdated", SearchParamType.Date), ("_count", SearchParamType.Number)],
            documentation: "The referral's lifecycle. Update (PUT, or PATCH with FHIRPath Patch or JSON Patch) status to accepted, rejected (statusReason), in-progress, completed (output), cancelled."));
        rest.Resource.Add(Resource(ResourceType.Consent, [TypeRestfulInteraction.Read, TypeRestfulInteraction.Create, TypeRestfulInteraction.Update], [],
            documentation: "The case's consent (id = case code). Update with status inactive withdraws it."));
        rest.Resource.Add(Resource(ResourceType.HealthcareService, [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
            [("service-category", SearchParamType.Token), ("location", SearchParamType.Reference), ("active", SearchParamType.Token), ("organization", SearchParamType.Reference), ("_lastUpdated", SearchParamType.Date), ("_count", SearchParamType.Number)]));
        rest.Resource.Add(Resource(ResourceType.Organization, [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
            [("identifier", SearchParamType.Token), ("name", SearchParamType.String), ("active", SearchParamType.Token), ("_lastUpdated", SearchParamType.Date), ("_count", SearchParamType.Number)]));
        rest.Resource.Add(Resource(ResourceType.Location, [TypeRestfulInteraction.Read, TypeRestfulInteraction.SearchType],
            [("identifier", SearchParamType.Token), ("name", SearchParamType.String), ("partof", SearchParamType.Reference), ("_lastUpdated", SearchParamType.Date), ("_count", SearchParamType.Number)]));
        rest.Resource.Add(Resource(ResourceType.Subscription, [TypeRestfulInteraction.Read, TypeRestfulInteraction.Create, TypeRestfulInteraction.Delete], [],
            documentation: "rest-hook notifications of the agency's referrals' Task changes (criteria Task?status=&owner=), signed as the hub's webhooks, without payload. An agency admin's call.",
            versioning: ResourceVersionPolicy.NoVersion));
        rest.Resource.Add(Resource(ResourceType.CodeSystem, [TypeRestfulInteraction.Read], [], documentation: "CodeSystem/service-type: the service-type list."));
        statement.Rest.Add(rest);
        return statement;
    }

    /// <summary>
    /// OAuth; the token endpoint is at /fhir/.well-known/smart-configuration. Not in the older SMART <c>oauth-uris</c>
    /// extension: its definition requires an <c>authorize</c> URI, and the hub has no user-facing authorize endpoint
    /// (client credentials only), so that extension would make this CapabilityStatement invalid.
    /// </summary>
    private static SecurityComponent Security(string baseUrl)
    {
        var security = new SecurityComponent
        {
            Service =
            [
                new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth"),
                new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR"),
            ],
            Description = new Markdown($"OAuth2 client credentials (client secret) at {SmartConfiguration.TokenEndpoint(baseUrl)} (also in .well-known/smart-configuration); every interaction except metadata and the SMART configuration needs the bearer token."),
        };
        return security;
    }

    private static ResourceComponent Resource(ResourceType type, TypeRestfulInteraction[] interactions, (string Name, SearchParamType Type)[] search,
        bool conditionalCreate = false, string? documentation = null, ResourceVersionPolicy versioning = ResourceVersionPolicy.Versioned)
    {
        var resource = new ResourceComponent
        {
            Type = type.ToString(),
            Interaction = [.. interactions.Select(i => new ResourceInteractionComponent { Code = i })],
            Versioning = versioning,
            ReadHistory = false,
            UpdateCreate = false,
            ConditionalCreate = conditionalCreate,
            ConditionalUpdate = false,
            ConditionalDelete = ConditionalDeleteStatus.NotSupported,
            SearchParam = [.. search.Select(s => new CapabilityStatement.SearchParamComponent { Name = s.Name, Type = s.Type })],
        };
        if (documentation is not null) resource.Documentation = new Markdown(documentation);
        return resource;
    }
}
