using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Fhir.Tests.Support;

namespace ReferralHub.Fhir.Tests.Directory;

/// <summary>
/// FHIR search rules (R4 search.html) on every search: _count with next links, _count=0 and _summary=count, dates at
/// each precision, unknown parameters reported or (strict) refused; SMART discovery of the token endpoint.
/// </summary>
public sealed class SearchRulesTests(FhirHub hub) : IClassFixture<FhirHub>
{
    private static async Task<Bundle> GetBundleAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{url}: {(int)response.StatusCode} {body}");
        return Assert.IsType<Bundle>(FhirHub.ParseStrict(body));
    }

    private static IEnumerable<Resource> Matches(Bundle bundle) => bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource);

    [Theory]
    [InlineData("HealthcareService", 5)]
    [InlineData("Location", 3)]
    [InlineData("Organization", 3)]
    public async System.Threading.Tasks.Task Count_pages_a_search_and_the_next_links_cover_every_match_once(string type, int count)
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");

        var first = await GetBundleAsync(client, $"/fhir/{type}?_count={count}");
        var ids = new List<string>();
        var page = first;
        var pages = 0;
        while (true)
        {
            Assert.True(Matches(page).Count() <= count);
            ids.AddRange(Matches(page).Select(r => r.Id));
            if (page.NextLink is null || ++pages > 100) break;
            page = await GetBundleAsync(client, page.NextLink.PathAndQuery);
        }

        Assert.Equal(count, Matches(first).Count());
        Assert.NotNull(first.NextLink);
        Assert.Equal(first.Total, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("HealthcareService")]
    [InlineData("Organization")]
    [InlineData("Location")]
    [InlineData("Task")]
    [InlineData("ServiceRequest")]
    public async System.Threading.Tasks.Task Count_zero_and_summary_count_answer_the_total_only(string type)
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");

        var all = await GetBundleAsync(client, $"/fhir/{type}?_count=200");
        var zero = await GetBundleAsync(client, $"/fhir/{type}?_count=0");
        var summary = await GetBundleAsync(client, $"/fhir/{type}?_summary=count");

        Assert.Empty(zero.Entry);
        Assert.Empty(summary.Entry);
        Assert.Equal(zero.Total, summary.Total);
        if (type is not ("Task" or "ServiceRequest")) Assert.Equal(all.Total, zero.Total);
        else Assert.True(zero.Total >= Matches(all).Count());
    }

    [Fact]
    public async System.Threading.Tasks.Task A_count_above_the_cap_is_served_capped_not_refused()
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");

        var services = await GetBundleAsync(client, "/fhir/HealthcareService?_count=100000");
        var tasks = await GetBundleAsync(client, "/fhir/Task?_count=100");

        Assert.InRange(Matches(services).Count(), 1, 200);
        Assert.InRange(Matches(tasks).Count(), 0, 50);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_day_month_year_or_minute_covers_its_whole_range()
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");
        var organisation = (Organization)Matches(await GetBundleAsync(client, "/fhir/Organization?identifier=agency-b")).Single();
        var updated = organisation.Meta.LastUpdated!.Value.ToUniversalTime();
        string Query(string value) => $"/fhir/Organization?identifier=agency-b&_lastUpdated={Uri.EscapeDataString(value)}";
        async Task<bool> FoundAsync(string value) => Matches(await GetBundleAsync(client, Query(value))).Any();
        var day = updated.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(await FoundAsync(day));
        Assert.True(await FoundAsync("eq" + day));
        Assert.True(await FoundAsync("le" + day));
        Assert.True(await FoundAsync("ge" + day));
        Assert.False(await FoundAsync("gt" + day)); // polling with gt<day> never repeats that day's items
        Assert.False(await FoundAsync("lt" + day));
        Assert.False(await FoundAsync("ne" + day));
        Assert.True(await FoundAsync(updated.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await FoundAsync(updated.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await FoundAsync(updated.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture) + "Z"));
        Assert.True(await FoundAsync(updated.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "+00:00"));
        Assert.False(await FoundAsync(updated.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await FoundAsync("eb" + updated.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(await FoundAsync("sa" + updated.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async System.Threading.Tasks.Task Unknown_parameters_are_reported_and_refused_when_strict()
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");

        var lenient = await GetBundleAsync(client, "/fhir/HealthcareService?_id=x&name=clinic&_count=2");
        using var strictRequest = new HttpRequestMessage(HttpMethod.Get, "/fhir/HealthcareService?_id=x&name=clinic");
        strictRequest.Headers.Add("Prefer", "handling=strict");
        var strict = await client.SendAsync(strictRequest);
        using var strictKnown = new HttpRequestMessage(HttpMethod.Get, "/fhir/Location?identifier=demo-camp-1");
        strictKnown.Headers.Add("Prefer", "handling=strict");

        var outcome = (OperationOutcome)lenient.Entry.Single(e => e.Search?.Mode == Bundle.SearchEntryMode.Outcome).Resource;
        Assert.Equal(["_id", "name"], outcome.Issue.Single().Expression.Order());
        Assert.Equal(OperationOutcome.IssueSeverity.Warning, outcome.Issue.Single().Severity);
        Assert.Equal(2, Matches(lenient).Count());
        Assert.Equal(HttpStatusCode.BadRequest, strict.StatusCode);
        Assert.Contains("_id", ((OperationOutcome)FhirHub.ParseStrict(await strict.Content.ReadAsStringAsync())).Issue.Single().Expression);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(strictKnown)).StatusCode);
    }

    [Fact]
    public async System.Threading.Tasks.Task Behind_the_gateway_full_urls_and_links_name_the_forwarded_address()
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");
        async Task<List<string>> UrlsAsync(string host)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/Location?_count=2");
            request.Headers.Add("X-Forwarded-Host", host);
            request.Headers.Add("X-Forwarded-Proto", "https");
            var response = await client.SendAsync(request);
            var bundle = Assert.IsType<Bundle>(FhirHub.ParseStrict(await response.Content.ReadAsStringAsync()));
            return [.. bundle.Link.Select(l => l.Url), .. bundle.Entry.Select(e => e.FullUrl)];
        }

        var forwarded = await UrlsAsync("hub.example.org:8443");
        var malformed = await UrlsAsync("evil.example/x?y=");

        Assert.True(forwarded.Count >= 4); // self, next, two entries
        Assert.All(forwarded, u => Assert.StartsWith("https://hub.example.org:8443/fhir/", u, StringComparison.Ordinal));
        Assert.All(malformed, u => Assert.StartsWith($"https://{hub.BaseAddress.Authority}/fhir/", u, StringComparison.Ordinal));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_token_endpoint_is_discoverable_and_issues_tokens()
    {
        using var anonymous = await hub.RawAsync();

        var smart = await anonymous.GetFromJsonAsync<JsonElement>("/fhir/.well-known/smart-configuration");
        var tokenEndpoint = smart.GetProperty("token_endpoint").GetString()!;
        var statement = await hub.Client(token: null).CapabilityStatementAsync();
        var security = statement!.Rest.Single().Security;
        var token = await anonymous.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "agency-a-system", ["client_secret"] = "agency-a-secret",
        }));

        Assert.True(Uri.IsWellFormedUriString(tokenEndpoint, UriKind.Absolute));
        Assert.Contains("client_credentials", smart.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
        Assert.Contains(security.Service, s => s.Coding.Any(c => c.Code == "SMART-on-FHIR"));
        Assert.Contains(tokenEndpoint, security.Description);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.True((await token.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("access_token", out _));
    }
}
