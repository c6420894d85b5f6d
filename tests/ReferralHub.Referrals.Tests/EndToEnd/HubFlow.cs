using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralHub.Contracts.Taxonomy;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.EndToEnd;

/// <summary>
/// The flows every end-to-end run checks, against whichever hub it is given (embedded, or on RabbitMQ + PostgreSQL):
/// the real directory (demo mapping: agency-b first for specialised-mhpss in demo-camp-1) and the real consent registry.
/// </summary>
public sealed class HubFlow(HttpClient referrer, HttpClient provider)
{
    public const string Camp = "demo-camp-1";

    public static JsonObject Referral(string caseCode, string serviceType = "specialised-mhpss", string priority = "medium")
    {
        var body = NadiaReferral(caseCode, serviceType, Camp, priority);
        body["child"]!["languages"] = new JsonArray("ar"); // directory language codes
        return body;
    }

    /// <summary>Records a consent (Consent &amp; Assent form) with the consent registry's API.</summary>
    public async Task RecordConsentAsync(string caseCode, string[] sharing, object[]? withholds = null)
    {
        var response = await referrer.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode,
            givenBy = "child-consent",
            givenOn = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            participateInCaseManagement = true,
            collectAndStore = true,
            sharing,
            oneOff = false,
            validUntil = DateTimeOffset.UtcNow.AddDays(365),
            withholds,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Nadia (seed 000): consent for mental health only, the case history withheld; specialised MHPSS accepted, started, completed.</summary>
    public async Task<Guid> NadiaAsync(string caseCode)
    {
        await RecordConsentAsync(caseCode, ["mental-health"], [new { item = ReferralItems.CaseHistory, reason = "wants-to-tell-themselves" }]);
        var id = await SubmitOkAsync(referrer, Referral(caseCode));

        var offered = await WaitForStatusAsync(referrer, id, "offered");
        Assert.Equal("agency-b", offered.GetProperty("organisationCode").GetString());
        var inbox = await provider.GetFromJsonAsync<JsonElement>("/api/v1/inbox?status=offered");
        var item = inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("15-17", item.GetProperty("ageBand").GetString());
        Assert.DoesNotContain("Nadia", item.GetRawText());
        Assert.DoesNotContain(caseCode, item.GetRawText());

        var accepted = await PostAsync(provider, id, "accept");
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        var released = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Nadia", released.GetProperty("payload").GetProperty("child").GetProperty("firstName").GetString());
        Assert.Contains("nightmares", released.GetProperty("payload").GetProperty("expectedOutcome").GetString());
        Assert.Equal(JsonValueKind.Null, released.GetProperty("payload").GetProperty("caseHistory").ValueKind);
        Assert.DoesNotContain("hometown", released.GetRawText());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, id, "start", new { startedOn = "2022-09-18" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, id, "complete", CompleteForm)).StatusCode);
        var final = await GetAsync(referrer, id);
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal("high", final.GetProperty("service").GetProperty("caregiverSatisfaction").GetString());
        var release = final.GetProperty("releases").EnumerateArray().Single();
        Assert.Equal("agency-b", release.GetProperty("organisationCode").GetString());
        Assert.Equal(1, release.GetProperty("consentVersion").GetInt32());
        Assert.Contains(ReferralItems.CaseHistory, release.GetProperty("withheld").EnumerateArray().Select(w => w.GetString()));
        return id;
    }

    /// <summary>The same consent does not cover cash assistance: blocked, nothing released, the provider never sees it.</summary>
    public async Task ConsentForOtherServicesOnlyAsync(string caseCode)
    {
        await RecordConsentAsync(caseCode, ["mental-health"]);
        var body = Referral(caseCode, "basic-psychosocial-support");
        var id = await SubmitOkAsync(referrer, body);

        var blocked = await WaitForStatusAsync(referrer, id, "blocked-consent");
        Assert.False(string.IsNullOrEmpty(blocked.GetProperty("reason").GetString()));
        Assert.Empty(blocked.GetProperty("releases").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await provider.GetAsync($"/api/v1/referrals/{id}")).StatusCode);
    }

    /// <summary>Withdrawing the consent withdraws the case's referrals not yet accepted; the accepted one stays.</summary>
    public async Task ConsentWithdrawalCascadesAsync(string caseCode)
    {
        await RecordConsentAsync(caseCode, ["mental-health", "psychosocial-support"]);
        var accepted = await SubmitOkAsync(referrer, Referral(caseCode));
        var open = await SubmitOkAsync(referrer, Referral(caseCode, "basic-psychosocial-support"));
        await WaitForStatusAsync(referrer, accepted, "offered");
        await WaitForStatusAsync(referrer, open, "offered");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, accepted, "accept")).StatusCode);

        var withdrawal = await referrer.PostAsJsonAsync($"/api/v1/consents/{caseCode}/withdraw", new { });
        Assert.True(withdrawal.IsSuccessStatusCode, await withdrawal.Content.ReadAsStringAsync());

        var withdrawn = await WaitForStatusAsync(referrer, open, "withdrawn");
        Assert.Equal("consent-withdrawn", withdrawn.GetProperty("reason").GetString());
        var seen = await GetAsync(provider, open);
        Assert.Equal("withdrawn", seen.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("reason").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(provider, open, "accept")).StatusCode);
        Assert.Equal("accepted", (await GetAsync(referrer, accepted)).GetProperty("status").GetString());
    }
}
