using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Seeding;
using ReferralHub.Fhir.Tests.Support;

namespace ReferralHub.Fhir.Tests.Directory;

/// <summary>The directory (demo mapping) as HealthcareService, Organization and Location, and the service types as a CodeSystem.</summary>
public sealed class DirectorySearchTests(FhirHub hub) : IClassFixture<FhirHub>
{
    [Fact]
    public async System.Threading.Tasks.Task Services_are_found_by_category_and_location_and_lead_to_their_organisation_and_area()
    {
        var client = await hub.ReferrerAsync();
        var found = await client.SearchAsync<HealthcareService>(["service-category=specialised-mhpss", "location=Location/demo-camp-1", "active=true"]);

        Assert.NotEmpty(found!.Entry);
        Assert.Equal(found.Total, found.Entry.Count);
        var services = found.Entry.Select(e => (HealthcareService)e.Resource).ToList();
        Assert.All(services, s => Assert.Equal("specialised-mhpss", s.Category.Single().Coding.Single().Code));
        Assert.All(services, s => Assert.True(s.Active));
        var agencyB = services.Single(s => s.Id == DemoDirectorySeeder.ServiceId("agency-b", "specialised-mhpss").ToString());
        Assert.Equal("agency-b", agencyB.ProvidedBy.Identifier.Value);
        Assert.NotEmpty(agencyB.Location);

        var organisation = await client.ReadAsync<Organization>(agencyB.ProvidedBy.Reference);
        Assert.Equal("agency-b", organisation!.Identifier.Single().Value);
        Assert.Equal(organisation.Id, (await client.SearchAsync<Organization>(["identifier=agency-b"]))!.Entry.Single().Resource.Id);

        var camp = await client.ReadAsync<Location>("Location/demo-camp-1");
        Assert.Equal("Location/demo-district", camp!.PartOf.Reference);
        var camps = await client.SearchAsync<Location>(["partof=Location/demo-district"]);
        Assert.Contains(camps!.Entry, e => e.Resource.Id == "demo-camp-1");

        var byName = await client.SearchAsync<Organization>([$"name={organisation.Name[..4]}", "active=true", $"_lastUpdated=le{DateTimeOffset.UtcNow.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}"]);
        Assert.Contains(byName!.Entry, e => e.Resource.Id == organisation.Id);
        var byCode = await client.SearchAsync<Location>(["identifier=demo-camp-1", $"name={camp.Name}", $"_lastUpdated=lt{DateTimeOffset.UtcNow.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}"]);
        Assert.Equal("demo-camp-1", byCode!.Entry.Single().Resource.Id);

        var byOrganisation = await client.SearchAsync<HealthcareService>([$"organization=Organization/{organisation.Id}"]);
        Assert.All(byOrganisation!.Entry, e => Assert.Equal($"Organization/{organisation.Id}", ((HealthcareService)e.Resource).ProvidedBy.Reference));
    }

    [Fact]
    public async System.Threading.Tasks.Task Not_accepting_services_say_so_and_last_updated_filters()
    {
        var client = await hub.ReferrerAsync();
        // Demo data: formal education is not accepting referrals.
        var education = await client.SearchAsync<HealthcareService>([$"service-category={ReferralHub.Fhir.FhirSystems.ServiceType}|education-formal"]);
        Assert.NotEmpty(education!.Entry);
        Assert.All(education.Entry, e => Assert.NotEmpty(((HealthcareService)e.Resource).NotAvailable));

        var future = await client.SearchAsync<HealthcareService>([$"_lastUpdated=gt{DateTimeOffset.UtcNow.AddDays(1):yyyy-MM-dd}"]);
        Assert.Empty(future!.Entry);
        var past = await client.SearchAsync<HealthcareService>([$"_lastUpdated=lt{DateTimeOffset.UtcNow.AddDays(1):yyyy-MM-dd}", "service-category=food"]);
        Assert.NotEmpty(past!.Entry);
        var retired = await client.SearchAsync<HealthcareService>(["active=false"]);
        Assert.Empty(retired!.Entry); // nothing is retired in the demo mapping

        var bad = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<HealthcareService>(["active=maybe"]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<HealthcareService>($"HealthcareService/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_service_type_list_is_a_complete_code_system()
    {
        var client = await hub.ReferrerAsync();
        var system = await client.ReadAsync<CodeSystem>("CodeSystem/service-type");

        Assert.Equal(ReferralHub.Fhir.FhirSystems.ServiceType, system!.Url);
        Assert.Equal(ServiceTypes.TaxonomyVersion, system.Meta.VersionId);
        Assert.Equal($"W/\"{ServiceTypes.TaxonomyVersion}\"", client.LastResult!.Etag);
        Assert.Equal(CodeSystemContentMode.Complete, system.Content);
        Assert.Equal(ServiceTypes.All.Select(t => t.Code), system.Concept.Select(c => c.Code));
        var mhpss = system.Concept.Single(c => c.Code == "specialised-mhpss");
        Assert.Equal("mental-health", ((Code)mhpss.Property.Single(p => p.Code == "consent-category").Value).Value);
    }
}
