using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReferralHub.Distributed.Tests;

/// <summary>The calls agency systems make in these tests, through the gateway (docs/api.md, docs/transfers.md).</summary>
public sealed class Agencies(HttpClient referrer, HttpClient provider, HttpClient receiver)
{
    public HttpClient Referrer => referrer;

    public HttpClient Provider => provider;

    public HttpClient Receiver => receiver;

    public static string NewCase(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24].ToUpperInvariant();

    public async Task RecordConsentAsync(string caseCode, params string[] sharing)
    {
        var response = await referrer.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode,
            givenBy = "child-consent",
            givenOn = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            participateInCaseManagement = true,
            collectAndStore = true,
            sharing,
            oneOff = false,
            validUntil = DateTimeOffset.UtcNow.AddDays(365),
        });
        // 409: an earlier attempt of this very call went through before the answer was lost.
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }

    public static JsonObject Referral(string caseCode, string serviceType = "specialised-mhpss") => new()
    {
        ["caseCode"] = caseCode,
        ["priority"] = "medium",
        ["serviceType"] = serviceType,
        ["areaCode"] = "demo-camp-1",
        ["consent"] = new JsonObject { ["given"] = true },
        ["referralDate"] = "2026-11-30",
        ["referralType"] = "external",
        ["referredBy"] = new JsonObject { ["name"] = "Samera Hassan", ["position"] = "Caseworker" },
        ["child"] = new JsonObject { ["firstName"] = "Nadia", ["dateOfBirth"] = "2012-05-01", ["sex"] = "female", ["languages"] = new JsonArray("ar") },
        ["reasonForReferral"] = "Hard to fall asleep.",
        ["expectedOutcome"] = "Child to learn how to manage her feelings.",
        ["feedback"] = new JsonObject { ["contactVia"] = "caseworker", ["followUp"] = new JsonArray("face-to-face") },
    };

    /// <summary>Submits with an Idempotency-Key, so a retry after a lost answer creates nothing new.</summary>
    public async Task<Guid> SubmitAsync(JsonObject body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await referrer.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static readonly string[] Final = ["unplaced", "completed", "withdrawn", "cancelled", "capacity-declined", "acknowledged"];

    /// <summary>Waits for a status; a wait, not a timing (the machine may be busy, a fault may be in progress).</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient client, string path, params string[] statuses)
    {
        JsonElement last = default;
        for (var i = 0; i < 900; i++)
        {
            last = await GetAsync(client, path);
            var status = last.GetProperty("status").GetString()!;
            if (statuses.Contains(status)) return last;
            if (Final.Contains(status)) break; // it will not move any more
            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"{path} never reached {string.Join("/", statuses)}: {last}");
    }

    /// <summary>
    /// A provider's answer; if the answer was lost and the call repeated, the hub says 409 and the status shows the
    /// first call went through.
    /// </summary>
    public async Task<HttpResponseMessage> AnswerAsync(Guid id, string action, string reachedStatus, object? body = null)
    {
        var response = await provider.PostAsJsonAsync($"/api/v1/referrals/{id}/{action}", body ?? new { });
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var now = await GetAsync(provider, $"/api/v1/referrals/{id}");
            Assert.Equal(reachedStatus, now.GetProperty("status").GetString());
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return response;
    }

    public static object CompleteForm => new
    {
        startedOn = "2026-11-30",
        completedOn = "2026-11-30",
        details = "Sessions with the psychologist.",
        followUpRecommendations = "Caseworker checks sleep.",
        providedBy = new { name = "Sarah Kamal", position = "Psychologist", contact = "421432" },
        childSatisfaction = "high",
        caregiverSatisfaction = "high",
    };

    /// <summary>Requests a transfer of the case to agency D (capacity is asked first; nothing personal yet).</summary>
    public async Task<Guid> RequestTransferAsync(string caseCode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = JsonContent.Create(new
            {
                caseCode,
                reason = "child-moved",
                receivingAgency = "agency-d",
                areaCode = "demo-district",
                urgency = "medium",
                capacity = new { ageBand = "10-14", sex = "female", protectionConcerns = Array.Empty<string>(), riskLevel = "high", languages = new[] { "ar" } },
                summary = new Dictionary<string, string> { ["child.name"] = "Nadia Example" },
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await referrer.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
