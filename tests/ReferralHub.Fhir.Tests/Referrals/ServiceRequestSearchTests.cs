using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using ReferralHub.Fhir.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Referrals;

/// <summary>
/// The referring system finds its referrals again as ServiceRequests: by the identifier it created them with, status,
/// requester (its own organisation; another matches nothing), _lastUpdated at every precision, paged by _count with
/// next links. Every response is validated against the R4 definitions (ValidatingHandler).
/// </summary>
public sealed class ServiceRequestSearchTests(FhirHub hub) : IClassFixture<FhirHub>
{
    private const string System = "https://cms.agency-a.example/referrals";

    private static async Task<Bundle> GetBundleAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{url}: {(int)response.StatusCode} {body}");
        return Assert.IsType<Bundle>(FhirHub.ParseStrict(body));
    }

    private static async Task<OperationOutcome> RefusedAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return Assert.IsType<OperationOutcome>(FhirHub.ParseStrict(await response.Content.ReadAsStringAsync()));
    }

    private static List<ServiceRequest> Matches(Bundle bundle) =>
        bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => Assert.IsType<ServiceRequest>(e.Resource)).ToList();

    private async Task<string> ReferAsync(string caseCode, string identifier)
    {
        var referrer = await hub.ReferrerAsync();
        await referrer.CreateAsync(FhirData.ConsentForm(caseCode, ["mental-health"]));
        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction(caseCode, identifier));
        var id = response!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id;
        await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);
        return id;
    }

    private static string Q(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async System.Threading.Tasks.Task The_referrer_finds_its_referrals_by_identifier_status_requester_and_date()
    {
        var first = await ReferAsync("FHIR-SRS-1", "srs-1");
        var second = await ReferAsync("FHIR-SRS-2", "srs-2");
        var referrer = await hub.ReferrerAsync();
        var task = await referrer.ReadAsync<FhirTask>($"Task/{second}");
        task!.Status = FhirTask.TaskStatus.Cancelled; // withdrawn: the ServiceRequest is revoked
        await referrer.UpdateAsync(task);
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");
        var agencyA = (Organization)(await GetBundleAsync(client, "/fhir/Organization?identifier=agency-a")).Entry.Single().Resource;
        var agencyB = (Organization)(await GetBundleAsync(client, "/fhir/Organization?identifier=agency-b")).Entry.Single().Resource;

        var byIdentifier = Matches(await GetBundleAsync(client, $"/fhir/ServiceRequest?identifier={Q(System + "|srs-1")}"));
        var unknownIdentifier = Matches(await GetBundleAsync(client, $"/fhir/ServiceRequest?identifier={Q(System + "|no-such-referral")}"));
        var otherSystem = Matches(await GetBundleAsync(client, $"/fhir/ServiceRequest?identifier={Q("https://elsewhere.example|srs-1")}"));
        var active = Matches(await GetBundleAsync(client, "/fhir/ServiceRequest?status=active&_count=50")).Select(r => r.Id).ToList();
        var revoked = Matches(await GetBundleAsync(client, "/fhir/ServiceRequest?status=revoked&_count=50")).Select(r => r.Id).ToList();
        var either = Matches(await GetBundleAsync(client, "/fhir/ServiceRequest?status=active,revoked&_count=50")).Select(r => r.Id).ToList();
        var mine = Matches(await GetBundleAsync(client, $"/fhir/ServiceRequest?requester=Organization/{agencyA.Id}&_count=50")).Select(r => r.Id).ToList();
        var mineByCode = Matches(await GetBundleAsync(client, $"/fhir/ServiceRequest?requester:identifier={Q(ReferralHub.Fhir.FhirSystems.OrganisationCode + "|agency-a")}&_count=50"));
        var theirs = await GetBundleAsync(client, $"/fhir/ServiceRequest?requester=Organization/{agencyB.Id}");

        // Versioned: the read's ETag is meta.versionId; history (vread) is not offered: 405.
        using var read = await client.GetAsync($"/fhir/ServiceRequest/{first}");
        var readBack = Assert.IsType<ServiceRequest>(FhirHub.ParseStrict(await read.Content.ReadAsStringAsync()));
        Assert.Equal($"W/\"{readBack.Meta.VersionId}\"", read.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.GetAsync($"/fhir/ServiceRequest/{first}/_history/{readBack.Meta.VersionId}")).StatusCode);

        Assert.Equal(first, Assert.Single(byIdentifier).Id);
        Assert.Equal(RequestStatus.Active, byIdentifier[0].Status);
        Assert.Empty(unknownIdentifier);
        Assert.Empty(otherSystem);
        Assert.Contains(first, active);
        Assert.DoesNotContain(second, active);
        Assert.Contains(second, revoked);
        Assert.DoesNotContain(first, revoked);
        Assert.Contains(first, either);
        Assert.Contains(second, either);
        Assert.Contains(first, mine);
        Assert.Contains(second, mine);
        Assert.Contains(mineByCode, r => r.Id == first);
        Assert.Empty(Matches(theirs));
        Assert.Equal(0, theirs.Total);

        // _lastUpdated: the day of the change covers it, gt<day> does not repeat it, the minute and second precisions find it.
        var updated = byIdentifier[0].Meta.LastUpdated!.Value.ToUniversalTime();
        async Task<bool> FoundAsync(string value) =>
            Matches(await GetBundleAsync(client, $"/fhir/ServiceRequest?identifier={Q(System + "|srs-1")}&_lastUpdated={Q(value)}")).Any(r => r.Id == first);
        var day = updated.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.True(await FoundAsync(day));
        Assert.True(await FoundAsync("le" + day));
        Assert.True(await FoundAsync("ge" + day));
        Assert.False(await FoundAsync("gt" + day));
        Assert.False(await FoundAsync("lt" + day));
        Assert.True(await FoundAsync(updated.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
        Assert.True(await FoundAsync(updated.ToString("yyyy", CultureInfo.InvariantCulture)));
        Assert.True(await FoundAsync(updated.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture) + "Z"));
        Assert.True(await FoundAsync(updated.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "+00:00"));
        Assert.False(await FoundAsync("gt" + updated.AddSeconds(2).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture) + "Z"));
    }

    [Fact]
    public async System.Threading.Tasks.Task Count_pages_the_search_and_next_links_list_every_referral_once()
    {
        var ids = new[] { await ReferAsync("FHIR-SRP-1", "srp-1"), await ReferAsync("FHIR-SRP-2", "srp-2"), await ReferAsync("FHIR-SRP-3", "srp-3") };
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");

        var walked = new List<string>();
        var page = await GetBundleAsync(client, "/fhir/ServiceRequest?status=active&_count=1");
        var pages = 1;
        while (true)
        {
            Assert.True(Matches(page).Count <= 1);
            walked.AddRange(Matches(page).Select(r => r.Id));
            if (page.NextLink is null || pages > 200) break;
            page = await GetBundleAsync(client, page.NextLink.PathAndQuery);
            pages++;
        }
        var total = await GetBundleAsync(client, "/fhir/ServiceRequest?status=active&_count=0");
        var summary = await GetBundleAsync(client, "/fhir/ServiceRequest?status=active&_summary=count");
        var capped = await GetBundleAsync(client, "/fhir/ServiceRequest?_count=1000");

        Assert.True(pages >= 3);
        Assert.All(ids, id => Assert.Contains(id, walked));
        Assert.Equal(walked.Count, walked.Distinct().Count());
        Assert.Equal(walked.Count, total.Total);
        Assert.Empty(total.Entry);
        Assert.Equal(total.Total, summary.Total);
        Assert.InRange(Matches(capped).Count, 3, 50);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_provider_searches_its_inbox_and_never_finds_by_the_referrers_identifier()
    {
        var id = await ReferAsync("FHIR-SRV-1", "srv-1");
        using var provider = await hub.RawAsync("agency-b-system", "agency-b-secret");

        var inbox = Matches(await GetBundleAsync(provider, "/fhir/ServiceRequest?status=active&_count=50"));
        var byIdentifier = await GetBundleAsync(provider, $"/fhir/ServiceRequest?identifier={Q(System + "|srv-1")}");

        var summary = Assert.Single(inbox, r => r.Id == id);
        Assert.Empty(summary.Contained.OfType<Patient>().Single().Identifier); // the minimal summary: no case code
        Assert.Empty(Matches(byIdentifier));
    }

    [Fact]
    public async System.Threading.Tasks.Task Bad_search_values_are_400s_naming_the_parameter()
    {
        using var client = await hub.RawAsync("agency-a-system", "agency-a-secret");

        Assert.Contains("status", (await RefusedAsync(client, "/fhir/ServiceRequest?status=sleeping")).Issue[0].Expression);
        Assert.Contains("identifier", (await RefusedAsync(client, "/fhir/ServiceRequest?identifier=srs-1")).Issue[0].Expression);
        Assert.Contains("requester", (await RefusedAsync(client, "/fhir/ServiceRequest?requester=Practitioner/x")).Issue[0].Expression);
        Assert.Contains("_lastUpdated", (await RefusedAsync(client, "/fhir/ServiceRequest?_lastUpdated=2026-13-01")).Issue[0].Expression);
        Assert.Contains("_count", (await RefusedAsync(client, "/fhir/ServiceRequest?_count=-1")).Issue[0].Expression);
    }
}
