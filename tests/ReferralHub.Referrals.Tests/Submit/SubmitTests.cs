using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Submit;

/// <summary>Sending a referral: idempotency, routing choices and bad input (nothing stored, never 500).</summary>
public sealed class SubmitTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    private readonly HttpClient _referrer = hub.ClientFor("agency-a", Roles.Referrer);

    private async Task<int> CountAsync()
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Referrals.CountAsync();
    }

    [Fact]
    public async Task A_submission_answers_202_with_id_status_and_location()
    {
        var response = await SubmitAsync(_referrer, NadiaReferral("CASE-202"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/referrals/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("submitted", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("replayed").GetBoolean());
    }

    [Fact]
    public async Task The_same_key_and_body_return_the_same_referral_and_another_body_is_refused()
    {
        var key = Guid.NewGuid().ToString();
        var first = await SubmitOkAsync(_referrer, NadiaReferral("CASE-IDEM"), key);
        var count = await CountAsync();

        var againResponse = await SubmitAsync(_referrer, NadiaReferral("CASE-IDEM"), key);
        var different = await SubmitAsync(_referrer, NadiaReferral("CASE-IDEM", priority: "high"), key);

        Assert.Equal(HttpStatusCode.Accepted, againResponse.StatusCode);
        var again = await againResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first, again.GetProperty("id").GetGuid());
        Assert.True(again.GetProperty("replayed").GetBoolean()); // the caller can tell a retry from a first submission
        Assert.Equal(HttpStatusCode.UnprocessableEntity, different.StatusCode);
        Assert.Equal(count, await CountAsync());
        // Keys are per agency: another agency may use the same key.
        Assert.NotEqual(first, await SubmitOkAsync(hub.ClientFor("agency-z", Roles.Referrer), NadiaReferral("CASE-IDEM"), key));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_key_create_one_referral()
    {
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SubmitAsync(_referrer, NadiaReferral("CASE-RACE"), key)));
        var ids = new HashSet<Guid>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }
        Assert.Single(ids);
    }

    [Fact]
    public async Task A_referral_addressed_to_a_named_service_is_offered_to_it()
    {
        hub.World.Consents["CASE-NAMED"] = new FakeConsent(true);
        var body = NadiaReferral("CASE-NAMED");
        body.Remove("areaCode");
        body["serviceId"] = FakeWorld.AgencyCService.ToString();

        var id = await SubmitOkAsync(_referrer, body);

        var offered = await WaitForStatusAsync(_referrer, id, "offered");
        Assert.Equal("agency-c", offered.GetProperty("organisationCode").GetString());
    }

    [Fact]
    public async Task An_area_without_a_service_leaves_the_referral_unplaced()
    {
        var response = await SubmitAsync(_referrer, NadiaReferral("CASE-NONE", serviceType: "wash"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unplaced", body.GetProperty("status").GetString());
        Assert.Equal("no-service-available", body.GetProperty("reason").GetString());
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { """{"priority":"medium","serviceType":"specialised-mhpss","areaCode":"camp-1"}""", "caseCode" },
        { """{"caseCode":"C1","priority":"urgent","serviceType":"specialised-mhpss","areaCode":"camp-1"}""", "priority" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"massage","areaCode":"camp-1"}""", "serviceType" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"specialised-mhpss"}""", "areaCode" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"specialised-mhpss","areaCode":"nowhere"}""", "areaCode" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"specialised-mhpss","serviceId":"00000000-0000-0000-0000-000000000999"}""", "serviceId" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"wash","serviceId":"00000000-0000-0000-0000-0000000000b1"}""", "serviceType" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"specialised-mhpss","areaCode":"camp-1","child":{"dateOfBirth":"2999-01-01"}}""", "child.dateOfBirth" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"specialised-mhpss","areaCode":"camp-1","child":{"sex":"x"}}""", "child.sex" },
        { """{"caseCode":"C1","priority":"medium","serviceType":"specialised-mhpss","areaCode":"camp-1","child":{"dateOfBirth":"01/11/2007"}}""", "child.dateOfBirth" },
        { """{"caseCode":"C1","priority":"medium",""", "$" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Bad_input_is_a_problem_naming_the_field_and_nothing_is_stored(string json, string field)
    {
        var before = await CountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        var response = await _referrer.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Missing_key_wrong_content_type_and_oversized_bodies_are_refused()
    {
        var noKey = await _referrer.PostAsJsonAsync("/api/v1/referrals", NadiaReferral("C2"));
        Assert.Equal(HttpStatusCode.BadRequest, noKey.StatusCode);
        Assert.Contains("Idempotency-Key", await noKey.Content.ReadAsStringAsync());

        using var text = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = new StringContent("caseCode=C2", Encoding.UTF8, "text/plain") };
        text.Headers.Add("Idempotency-Key", "k-text");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await _referrer.SendAsync(text)).StatusCode);

        var huge = NadiaReferral("C2");
        huge["caseHistory"] = new string('x', 70_000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await SubmitAsync(_referrer, huge)).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await SubmitAsync(hub.ClientFor("agency-b", Roles.Provider), NadiaReferral("C2"))).StatusCode);
    }
}
