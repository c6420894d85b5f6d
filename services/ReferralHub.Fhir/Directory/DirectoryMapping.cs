using System.Globalization;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Fhir.Referrals;

namespace ReferralHub.Fhir.Directory;

/// <summary>The directory's services, organisations and areas as HealthcareService, Organization and Location.</summary>
public static class DirectoryMapping
{
    public static HealthcareService Service(ServiceDto s)
    {
        var service = new HealthcareService
        {
            Id = s.Id.ToString(),
            Meta = ServiceRequestMapping.Meta(s.Version, s.UpdatedAt),
            Active = !s.Retired,
            ProvidedBy = new ResourceReference($"Organization/{s.OrganisationId}") { Identifier = new Identifier(FhirSystems.OrganisationCode, s.OrganisationCode) },
            Category = [ServiceRequestMapping.ServiceTypeConcept(s.ServiceType)],
            Type = [ServiceRequestMapping.ServiceTypeConcept(s.ServiceType)],
            Location = [.. s.AreaCodes.Select(a => new ResourceReference($"Location/{a}"))],
            Name = s.Name,
            Comment = s.Description,
            AvailabilityExceptions = s.Hours,
            Communication = [.. s.Languages.Select(l => new CodeableConcept(FhirSystems.Bcp47, l))],
        };
        if (s.HowToRefer is { } how) service.ExtraDetails = new Markdown(how);
        foreach (var focal in s.FocalPoints)
        {
            if (focal.Phone is { } phone) service.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, phone));
            if (focal.Email is { } email) service.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Work, email));
        }
        var eligibility = new List<string>();
        if (s.MinAge is not null || s.MaxAge is not null) eligibility.Add($"age {s.MinAge?.ToString(CultureInfo.InvariantCulture) ?? "0"}–{s.MaxAge?.ToString(CultureInfo.InvariantCulture) ?? "any"}");
        if (s.Sexes.Count > 0) eligibility.Add("sex: " + string.Join(", ", s.Sexes));
        if (s.ProtectionConcerns.Count > 0) eligibility.Add("protection concerns: " + string.Join(", ", s.ProtectionConcerns));
        if (eligibility.Count > 0)
            service.Eligibility.Add(new HealthcareService.EligibilityComponent { Code = new CodeableConcept { Text = "eligibility" }, Comment = new Markdown(string.Join("; ", eligibility)) });
        if (!s.AcceptingNow)
            service.NotAvailable.Add(new HealthcareService.NotAvailableComponent
            {
                Description = s.NotAcceptingReason ?? "Not accepting referrals.",
                During = s.NotAcceptingUntil is { } until ? new Period { EndElement = Instant(until) } : null,
            });
        service.SetExtension(FhirSystems.Stale, new FhirBoolean(s.Stale));
        if (s.LastReviewedAt is { } reviewed) service.SetExtension(FhirSystems.LastReviewed, Instant(reviewed));
        return service;
    }

    public static Organization Organisation(OrganisationDto o)
    {
        var organisation = new Organization
        {
            Id = o.Id.ToString(),
            Meta = ServiceRequestMapping.Meta(o.Version, o.UpdatedAt),
            Identifier = [new Identifier(FhirSystems.OrganisationCode, o.Code)],
            Active = !o.Retired,
            Type = [new CodeableConcept(FhirSystems.OrganisationKind, o.Kind)],
            Name = o.Name,
        };
        if (o.Acronym is { } acronym) organisation.Alias = [acronym];
        if (o.Website is { } website) organisation.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Url, ContactPoint.ContactPointUse.Work, website));
        return organisation;
    }

    public static Location Area(AreaDto a) => new()
    {
        Id = a.Code,
        Meta = ServiceRequestMapping.Meta(a.Version, a.UpdatedAt),
        Identifier = [new Identifier(FhirSystems.AreaCode, a.Code)],
        Status = a.Retired ? Location.LocationStatus.Inactive : Location.LocationStatus.Active,
        Name = a.Name,
        Mode = Location.LocationMode.Instance,
        Type = [new CodeableConcept(FhirSystems.AreaLevel, a.Level)],
        PartOf = a.ParentCode is { } parent ? new ResourceReference($"Location/{parent}") : null,
    };

    /// <summary>The service-type list (contracts/ReferralHub.Contracts/Taxonomy/ServiceTypes.cs) as a complete CodeSystem.</summary>
    public static CodeSystem ServiceTypeCodeSystem()
    {
        var system = new CodeSystem
        {
            Id = "service-type",
            // Declared versioned in the CapabilityStatement: the taxonomy version is the resource version (and the ETag).
            Meta = new Meta { VersionId = ServiceTypes.TaxonomyVersion },
            Url = FhirSystems.ServiceType,
            Version = ServiceTypes.TaxonomyVersion,
            Name = "ReferralHubServiceType",
            Title = "ReferralHub service types",
            Status = PublicationStatus.Active,
            Experimental = false,
            Description = new Markdown("The service types of the seed Referral form (seed 000), with the consent category (Consent & Assent form) that must cover each. Codes never change meaning; a new version adds codes."),
            CaseSensitive = true,
            Content = CodeSystemContentMode.Complete,
            Count = ServiceTypes.All.Count,
        };
        system.Property.Add(new CodeSystem.PropertyComponent
        {
            Code = "consent-category",
            Uri = FhirSystems.ConsentCategory,
            Description = "The consent category (Consent & Assent form) that must permit sharing for this service type.",
            Type = CodeSystem.PropertyType.Code,
        });
        foreach (var type in ServiceTypes.All)
        {
            var concept = new CodeSystem.ConceptDefinitionComponent { Code = type.Code, Display = type.Name };
            concept.Property.Add(new CodeSystem.ConceptPropertyComponent { Code = "consent-category", Value = new Code(type.ConsentCategory) });
            system.Concept.Add(concept);
        }
        return system;
    }

    private static FhirDateTime Instant(DateTime utc) => new(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
}
