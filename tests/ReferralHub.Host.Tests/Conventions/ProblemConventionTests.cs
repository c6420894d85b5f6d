using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Conventions;

/// <summary>
/// docs/api-conventions.md, Errors: every service answers a field error with the same 400 naming each field, and a
/// policy's 403 says which role was needed — the same shape from consents, directory, transfers and referrals.
/// </summary>
public sealed class ProblemConventionTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    public static TheoryData<string, string, string> FieldErrors => new()
    {
        { "/api/v1/consents", """{"caseCode":"CONV-1","givenBy":"nobody"}""", "givenBy" },
        { "/api/v1/transfers", """{"caseCode":"CONV-2","reason":"whim"}""", "reason" },
        { "/api/v1/referrals", """{"caseCode":"CONV-3","priority":"whenever"}""", "priority" },
    };

    [Theory]
    [MemberData(nameof(FieldErrors))]
    public async Task A_field_error_is_a_400_naming_the_field_in_every_service(string path, string body, string field)
    {
        using var referrer = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", $"conv-{Guid.NewGuid():N}");

        var response = await referrer.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors names {field}: {problem}");
        Assert.NotEmpty(messages.EnumerateArray());
    }

    [Fact]
    public async Task A_directory_reference_to_an_unknown_area_is_a_400_like_any_field_error()
    {
        using var referrer = await hub.ClientForAsync("agency-a-system", "agency-a-secret");

        var response = await referrer.GetAsync("/api/v1/pathways?area=no-such-area&serviceType=specialised-mhpss");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("area", out _));
    }

    [Fact]
    public async Task A_403_names_the_roles_that_would_have_been_allowed()
    {
        using var provider = await hub.ClientForAsync("agency-b-system", "agency-b-secret");

        var response = await provider.PostAsJsonAsync("/api/v1/consents", new { caseCode = "CONV-4" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["referrer", "supervisor"], problem.GetProperty("neededRoles").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Contains("'referrer'", problem.GetProperty("detail").GetString());
    }
}
