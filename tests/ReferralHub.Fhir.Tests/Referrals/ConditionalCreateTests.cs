using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Directory.Seeding;
using ReferralHub.Fhir.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Referrals;

/// <summary>Conditional create on the ServiceRequest's identifier is idempotent: a retry never makes a second referral.</summary>
public sealed class ConditionalCreateTests(FhirHub hub) : IClassFixture<FhirHub>
{
    [Fact]
    public async System.Threading.Tasks.Task A_retried_conditional_create_returns_the_same_referral()
    {
        var referrer = await hub.ReferrerAsync();
        await referrer.CreateAsync(FhirData.ConsentForm("FHIR-RETRY", ["mental-health"]));
        var condition = new SearchParams().Where("identifier=https://cms.agency-a.example/referrals|retry-1");

        var first = await referrer.ConditionalCreateAsync(Request("FHIR-RETRY", "retry-1"), condition);
        Assert.Equal("201", referrer.LastResult!.Status.Split(' ')[0]);
        await System.Threading.Tasks.Task.Delay(1500); // the retry comes later than the first answer
        var second = await referrer.ConditionalCreateAsync(Request("FHIR-RETRY", "retry-1"), condition);
        Assert.Equal("200", referrer.LastResult!.Status.Split(' ')[0]);
        Assert.Equal(first!.Id, second!.Id);

        // The transaction form with the same If-None-Exist also finds it rather than creating another.
        var bundle = FhirData.ReferralTransaction("FHIR-RETRY", "retry-1");
        var replay = await referrer.TransactionAsync(bundle);
        Assert.Equal(first.Id, replay!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id);

        using var rest = await hub.RawAsync("agency-a-system", "agency-a-secret");
        var list = await rest.GetFromJsonAsync<JsonElement>("/api/v1/referrals?caseCode=FHIR-RETRY");
        Assert.Single(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async System.Threading.Tasks.Task A_referral_to_a_named_healthcare_service_goes_to_that_service()
    {
        var referrer = await hub.ReferrerAsync();
        await referrer.CreateAsync(FhirData.ConsentForm("FHIR-NAMED", ["mental-health"]));
        var serviceId = DemoDirectorySeeder.ServiceId("agency-b", "specialised-mhpss");
        var request = Request("FHIR-NAMED", "named-1");
        request.LocationCode.Clear();
        request.Performer.Add(new ResourceReference($"HealthcareService/{serviceId}"));

        var created = await referrer.CreateAsync(request);
        Assert.Equal(RequestStatus.Active, created!.Status);
        Assert.Equal(RequestPriority.Urgent, created.Priority);
        Assert.Equal("FHIR-NAMED", created.Contained.OfType<Patient>().Single().Identifier.Single().Value);
        var task = await FhirHub.WaitForTaskAsync(referrer, created.Id, FhirTask.TaskStatus.Received);
        Assert.Equal($"HealthcareService/{serviceId}", task.Owner.Reference);
        // urgent = medium: the provider has 3 days to answer (seed 000).
        var deadline = DateTimeOffset.Parse(task.Restriction.Period.End, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(deadline - DateTimeOffset.Parse(task.AuthoredOn, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromDays(2.9), TimeSpan.FromDays(3.1));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_referral_the_hub_cannot_map_is_answered_with_an_operation_outcome_and_nothing_is_stored()
    {
        var referrer = await hub.ReferrerAsync();
        var noCaseCode = Request("FHIR-BAD", "bad-1");
        noCaseCode.Contained.OfType<Patient>().Single().Identifier.Clear();
        var error = await Assert.ThrowsAsync<FhirOperationException>(() => referrer.CreateAsync(noCaseCode));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("Patient.identifier", error.Outcome.Issue[0].Expression);

        var unknownType = Request("FHIR-BAD", "bad-2");
        unknownType.Code = new CodeableConcept(ReferralHub.Fhir.FhirSystems.ServiceType, "astrology");
        error = await Assert.ThrowsAsync<FhirOperationException>(() => referrer.CreateAsync(unknownType));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Contains("ServiceRequest.code", error.Outcome.Issue[0].Expression);

        var unknownArea = Request("FHIR-BAD", "bad-3");
        unknownArea.LocationCode = [new CodeableConcept(ReferralHub.Fhir.FhirSystems.AreaCode, "atlantis")];
        error = await Assert.ThrowsAsync<FhirOperationException>(() => referrer.CreateAsync(unknownArea));
        Assert.Equal(HttpStatusCode.BadRequest, error.Status); // the REST API's 400 naming areaCode, as an OperationOutcome
        Assert.Contains("areaCode", error.Outcome.Issue[0].Diagnostics);

        var provider = await hub.ProviderAsync();
        error = await Assert.ThrowsAsync<FhirOperationException>(() => provider.CreateAsync(Request("FHIR-BAD", "bad-4")));
        Assert.Equal(HttpStatusCode.Forbidden, error.Status); // only a referrer may refer

        using var rest = await hub.RawAsync("agency-a-system", "agency-a-secret");
        var list = await rest.GetFromJsonAsync<JsonElement>("/api/v1/referrals?caseCode=FHIR-BAD");
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("café-1")]
    [InlineData("إحالة-٧")]
    [InlineData("রেফারেল-৩")]
    public async System.Threading.Tasks.Task Any_identifier_is_accepted_and_a_retry_finds_the_same_referral(string identifier)
    {
        var referrer = await hub.ReferrerAsync();
        var caseCode = "FHIR-ID-" + Math.Abs(identifier.GetHashCode() % 100000);
        await referrer.CreateAsync(FhirData.ConsentForm(caseCode, ["mental-health"]));
        var condition = new SearchParams().Where($"identifier=https://cms.agency-a.example/referrals|{identifier}");

        var first = await referrer.ConditionalCreateAsync(Request(caseCode, identifier), condition);
        Assert.Equal("201", referrer.LastResult!.Status.Split(' ')[0]);
        var second = await referrer.ConditionalCreateAsync(Request(caseCode, identifier), condition);

        Assert.Equal(first!.Id, second!.Id);
        Assert.Equal("200", referrer.LastResult!.Status.Split(' ')[0]);
    }

    private static ServiceRequest Request(string caseCode, string identifier)
    {
        var request = FhirData.Referral("#child", identifier: identifier);
        var patient = FhirData.Nadia(caseCode);
        patient.Id = "child";
        request.Contained.Add(patient);
        return request;
    }
}
