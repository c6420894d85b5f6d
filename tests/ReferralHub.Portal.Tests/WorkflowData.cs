using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReferralHub.Portal.Tests;

/// <summary>Transfers, blocked referrals and notes, put in through the real APIs as agency A's and agency D's systems would.</summary>
public static class WorkflowData
{
    public static async Task<HttpClient> ClientAsync(PortalHub hub, string clientId, string secret)
    {
        var api = new HttpClient { BaseAddress = hub.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new("Bearer", await hub.TokenAsync(clientId, secret));
        return api;
    }

    /// <summary>Agency A records consent to share with <paramref name="sharing"/> (e.g. case-transfer) for a case.</summary>
    public static async Task RecordConsentAsync(PortalHub hub, string caseCode, params string[] sharing)
    {
        using var api = await HubData.ReferrerAsync(hub);
        var consent = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode, givenBy = "caregiver", givenOn = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            participateInCaseManagement = true, collectAndStore = true, sharing, oneOff = false, validUntil = DateTimeOffset.UtcNow.AddDays(365),
        });
        Assert.True(consent.StatusCode == HttpStatusCode.Created, await consent.Content.ReadAsStringAsync());
    }

    /// <summary>Agency A asks agency D to take over a case (capacity summary only, a name in the encrypted summary).</summary>
    public static async Task<Guid> RequestTransferAsync(PortalHub hub, string caseCode, bool withConsent = true)
    {
        if (withConsent) await RecordConsentAsync(hub, caseCode, "case-transfer");
        using var api = await HubData.ReferrerAsync(hub);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers")
        {
            Content = JsonContent.Create(new
            {
                caseCode, reason = "child-moved", receivingAgency = "agency-d", areaCode = "demo-district", urgency = "high",
                capacity = new { ageBand = "10-14", sex = "female", protectionConcerns = new[] { "neglect" }, riskLevel = "high", languages = new[] { "ar" } },
                summary = new Dictionary<string, string> { ["child.name"] = "Nadia Example" },
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await api.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Agency A attaches a text document (the case plan) to a transfer before release.</summary>
    public static async Task AttachAsync(PortalHub hub, Guid transferId, string fileName, string text)
    {
        using var api = await HubData.ReferrerAsync(hub);
        var content = new StringContent(text, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new("text/plain");
        var response = await api.PostAsync($"/api/v1/transfers/{transferId}/attachments?fileName={Uri.EscapeDataString(fileName)}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonElement> TransferAsync(PortalHub hub, Guid id)
    {
        using var api = await HubData.ReferrerAsync(hub);
        return await api.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}");
    }

    /// <summary>Agency A refers a case it recorded no consent for: the referral stops blocked (nothing released).</summary>
    public static async Task<Guid> SendBlockedReferralAsync(PortalHub hub, string caseCode)
    {
        using var api = await HubData.ReferrerAsync(hub);
        var body = new JsonObject
        {
            ["caseCode"] = caseCode, ["priority"] = "high", ["serviceType"] = "specialised-mhpss", ["areaCode"] = "demo-camp-1",
            ["consent"] = new JsonObject { ["given"] = false, ["reasonIfNot"] = "Child is 4 and alone; no caregiver." },
            ["child"] = new JsonObject { ["firstName"] = "Amal", ["sex"] = "female" },
            ["reasonForReferral"] = "Unaccompanied young child in distress.",
        };
        return await HubData.SubmitAndWaitAsync(api, body, "blocked-consent");
    }
}
