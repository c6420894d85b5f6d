using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Fhir.Tests.Support;

namespace ReferralHub.Fhir.Tests.Metadata;

/// <summary>
/// The CapabilityStatement lists exactly what the other test classes exercise; errors are OperationOutcomes with the
/// right status and application/fhir+json, never a 500 for bad input.
/// </summary>
public sealed class CapabilityStatementTests(FhirHub hub) : IClassFixture<FhirHub>
{
    /// <summary>What the tests in this project drive, per resource (keep in step with them).</summary>
    private static readonly Dictionary<string, (string[] Interactions, string[] Search)> Exercised = new()
    {
        ["ServiceRequest"] = (["create", "read", "search-type"], ["_count", "_lastUpdated", "identifier", "requester", "status"]),
        ["Task"] = (["patch", "read", "search-type", "update"], ["_count", "_lastUpdated", "owner", "status"]),
        ["Consent"] = (["create", "read", "update"], []),
        ["HealthcareService"] = (["read", "search-type"], ["_count", "_lastUpdated", "active", "location", "organization", "service-category"]),
        ["Organization"] = (["read", "search-type"], ["_count", "_lastUpdated", "active", "identifier", "name"]),
        ["Location"] = (["read", "search-type"], ["_count", "_lastUpdated", "identifier", "name", "partof"]),
        ["CodeSystem"] = (["read"], []),
        ["Subscription"] = (["create", "delete", "read"], []),
    };

    [Fact]
    public async System.Threading.Tasks.Task Metadata_is_anonymous_and_lists_exactly_what_is_supported()
    {
        var anonymous = hub.Client(token: null);
        var statement = await anonymous.CapabilityStatementAsync();

        Assert.Equal(FHIRVersion.N4_0_1, statement!.FhirVersion);
        Assert.Contains("application/fhir+json", statement.Format);
        var rest = statement.Rest.Single();
        Assert.Equal(CapabilityStatement.SystemRestfulInteraction.Transaction, rest.Interaction.Single().Code);
        Assert.Equal(Exercised.Keys.Order(), rest.Resource.Select(r => r.Type).Order());
        foreach (var resource in rest.Resource)
        {
            var (interactions, search) = Exercised[resource.Type];
            Assert.Equal(interactions, resource.Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
            Assert.Equal(search, resource.SearchParam.Select(p => p.Name).Order());
        }
        Assert.True(rest.Resource.Single(r => r.Type == "ServiceRequest").ConditionalCreate);
    }

    [Fact]
    public async System.Threading.Tasks.Task Errors_are_operation_outcomes_with_the_right_status()
    {
        using var anonymous = await hub.RawAsync();
        await ExpectOutcomeAsync(await anonymous.GetAsync("/fhir/Task"), HttpStatusCode.Unauthorized);
        using var badToken = await hub.RawAsync();
        badToken.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token");
        await ExpectOutcomeAsync(await badToken.GetAsync("/fhir/HealthcareService"), HttpStatusCode.Unauthorized);

        using var referrer = await hub.RawAsync("agency-a-system", "agency-a-secret");
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/Patient/123"), HttpStatusCode.NotFound);
        await ExpectOutcomeAsync(await referrer.GetAsync($"/fhir/ServiceRequest/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/Task?_count=-1"), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/Organization?_lastUpdated=2026-13-01"), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/Organization?_lastUpdated=ap2026-11-01"), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/Task?status=sleeping"), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/ServiceRequest", Fhir("{not json")), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/ServiceRequest",
            Fhir("""{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"#child"},"colour":"blue"}""")), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/ServiceRequest", Fhir("""{"resourceType":"Patient"}""")), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/ServiceRequest", new StringContent("<ServiceRequest/>", Encoding.UTF8, "application/fhir+xml")),
            HttpStatusCode.UnsupportedMediaType);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/", Fhir("""{"resourceType":"Bundle","type":"batch"}""")), HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/Consent/NO-SUCH-CASE"), HttpStatusCode.NotFound);
        foreach (var body in new[] { "{}", "[]", "\"text\"", "null", """{"resourceType":"Nope"}""", """{"resourceType":"ServiceRequest","status":"sleeping"}""",
            """{"resourceType":"ServiceRequest","status":"active","intent":"order","subject":{"reference":"Patient/1"}}""",
            """{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"}}]}""" })
        {
            var path = body.Contains("Bundle", StringComparison.Ordinal) ? "/fhir/" : "/fhir/ServiceRequest";
            await ExpectOutcomeAsync(await referrer.PostAsync(path, Fhir(body)), HttpStatusCode.BadRequest);
        }
        await ExpectOutcomeAsync(await referrer.PutAsync($"/fhir/Task/{Guid.NewGuid()}", Fhir("""{"resourceType":"Task","status":"accepted","intent":"order"}""")),
            HttpStatusCode.BadRequest);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/Consent", Fhir("""{"resourceType":"Consent","status":"active","scope":{"text":"x"},"category":[{"text":"x"}]}""")),
            HttpStatusCode.BadRequest);
        // A resource type the server has but an interaction it does not support: 405; an unknown type: 404.
        await ExpectOutcomeAsync(await referrer.DeleteAsync($"/fhir/Task/{Guid.NewGuid()}"), HttpStatusCode.MethodNotAllowed);
        await ExpectOutcomeAsync(await referrer.PostAsync("/fhir/HealthcareService", Fhir("""{"resourceType":"HealthcareService"}""")), HttpStatusCode.MethodNotAllowed);
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/ServiceRequest/x/_history"), HttpStatusCode.MethodNotAllowed);
        await ExpectOutcomeAsync(await referrer.DeleteAsync("/fhir/Spaceship/1"), HttpStatusCode.NotFound);
        // JSON only: XML asked for is a clean 406, never JSON it did not ask for.
        await ExpectOutcomeAsync(await referrer.GetAsync("/fhir/HealthcareService?_format=xml"), HttpStatusCode.NotAcceptable);
        using var xml = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata");
        xml.Headers.Accept.ParseAdd("application/fhir+xml");
        await ExpectOutcomeAsync(await referrer.SendAsync(xml), HttpStatusCode.NotAcceptable);
    }

    private static StringContent Fhir(string json) => new(json, Encoding.UTF8, "application/fhir+json");

    private static async System.Threading.Tasks.Task ExpectOutcomeAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = Assert.IsType<OperationOutcome>(FhirHub.ParseStrict(body));
        Assert.NotEmpty(outcome.Issue);
    }
}
