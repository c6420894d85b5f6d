using System.Net;
using System.Net.Http.Json;
using ReferralHub.Consent.Tests.Infrastructure;

namespace ReferralHub.Consent.Tests.Consents;

/// <summary>Bad input answers a problem naming the field, and nothing is stored.</summary>
public sealed class BadInputTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    public static TheoryData<string, object?, string> BadFields => new()
    {
        { "sharing", new[] { "psychosocial-support", "karate" }, "sharing[1]" },
        { "validUntil", DateTimeOffset.UtcNow.AddDays(-1), "validUntil" },
        { "withholds", new[] { new { item = "child.shoeSize", reason = "fear-of-harm" } }, "withholds[0].item" },
        { "withholds", new[] { new { item = "child.name", reason = "because" } }, "withholds[0].reason" },
        { "withholds", new[] { new { item = "child.name", reason = "other" } }, "withholds[0].reasonText" },
        { "givenBy", "neighbour", "givenBy" },
        { "caseCode", "Nadia Mohammed", "caseCode" },
        { "caseCode", "statistics", "caseCode" },
        { "organisations", new[] { "agency b" }, "organisations[0]" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_named_and_nothing_is_stored(string field, object? value, string expectedError)
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        var body = ConsentApi.Consent(caseCode, ["medical"], hub.Clock);
        body[field] = value;

        var response = await client.PostAsJsonAsync("/api/v1/consents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expectedError, (await response.ProblemAsync()).ErrorFields());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/consents/{caseCode}")).StatusCode);
    }

    [Fact]
    public async Task A_consent_with_neither_one_off_nor_valid_until_is_refused()
    {
        var client = await hub.AgencyAAsync();
        var body = ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock);
        body["validUntil"] = null;

        var response = await client.PostAsJsonAsync("/api/v1/consents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("validUntil", (await response.ProblemAsync()).ErrorFields());
    }

    [Fact]
    public async Task Unreadable_json_is_a_400_naming_the_field()
    {
        var client = await hub.AgencyAAsync();

        var response = await client.PostAsync("/api/v1/consents", new StringContent("""{"caseCode":"C-1","oneOff":"perhaps"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("oneOff", (await response.ProblemAsync()).ErrorFields());
    }

    [Fact]
    public async Task A_supervisor_authorisation_needs_an_allowed_ground()
    {
        var client = await hub.ClientAsync(ConsentHub.Supervisor2);
        var body = ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock, oneOff: true);
        body["givenBy"] = "supervisor-authorisation";
        body["authorisationGround"] = "caregiver-unreachable";

        var response = await client.PostAsJsonAsync("/api/v1/consents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("authorisationGround", (await response.ProblemAsync()).ErrorFields());
    }

    [Fact]
    public async Task A_referrer_who_is_not_a_supervisor_cannot_record_a_supervisor_authorisation()
    {
        var caseworker = await hub.ClientAsync(ConsentHub.Caseworker);
        var body = ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock);
        body["givenBy"] = "supervisor-authorisation";
        body["authorisationGround"] = "no-caregiver-child-too-young";

        var response = await caseworker.PostAsJsonAsync("/api/v1/consents", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("givenBy", (await response.ProblemAsync()).ErrorFields());
    }

    [Theory]
    [InlineData("karate", "referral:1", "purpose")]
    [InlineData("medical", "referral 1", "releaseReference")]
    [InlineData("medical", "invoice:1", "releaseReference")]
    public async Task A_check_with_an_unknown_purpose_or_reference_is_refused_naming_the_field(string purpose, string reference, string field)
    {
        var client = await hub.AgencyAAsync();

        var response = await client.PostCheckAsync(ConsentApi.NewCase(), "agency-b", purpose, reference);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.ProblemAsync()).ErrorFields());
    }
}
