using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReferralHub.Portal.Tests;

/// <summary>Data the portal's pages show, put in through the real APIs as agency A's system would.</summary>
public static class HubData
{
    public static async Task<HttpClient> ReferrerAsync(PortalHub hub)
    {
        var api = new HttpClient { BaseAddress = hub.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync("agency-a-system", "agency-a-secret"));
        return api;
    }

    public static async Task<JsonElement> ReferrerViewAsync(PortalHub hub, Guid id)
    {
        using var api = await ReferrerAsync(hub);
        return await api.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}");
    }

    /// <summary>Agency A records consent (mental health) and refers a Nadia-like case; waits until it is offered to agency B.</summary>
    public static async Task<Guid> SendReferralAsync(PortalHub hub, string caseCode, string? withhold = null)
    {
        using var api = await ReferrerAsync(hub);
        var consent = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode,
            givenBy = "child-consent",
            givenOn = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            participateInCaseManagement = true,
            collectAndStore = true,
            sharing = new[] { "mental-health" },
            oneOff = false,
            validUntil = DateTimeOffset.UtcNow.AddDays(365),
            withholds = withhold is null ? null : new[] { new { item = withhold, reason = "wants-to-tell-themselves" } },
        });
        Assert.True(consent.StatusCode == HttpStatusCode.Created, await consent.Content.ReadAsStringAsync());

        var body = new JsonObject
        {
            ["caseCode"] = caseCode,
            ["priority"] = "high",
            ["serviceType"] = "specialised-mhpss",
            ["areaCode"] = "demo-camp-1",
            ["consent"] = new JsonObject { ["given"] = true },
            ["child"] = new JsonObject
            {
                ["firstName"] = "Nadia", ["lastName"] = "Salih", ["sex"] = "female",
                ["dateOfBirth"] = DateTime.UtcNow.AddYears(-15).AddDays(-40).ToString("yyyy-MM-dd"), ["languages"] = new JsonArray("ar"),
            },
            ["reasonForReferral"] = "Hard to fall asleep; worried about her family.",
            ["caseHistory"] = "Nightmares about the fighting she witnessed in her hometown.",
            ["expectedOutcome"] = "Learn to manage her feelings and her recurring nightmares.",
        };
        return await SubmitAndWaitAsync(api, body, "offered");
    }

    /// <summary>Submits a referral as agency A's system and waits (bounded) until routing, which runs over the bus, has moved it to <paramref name="expected"/>.</summary>
    public static async Task<Guid> SubmitAndWaitAsync(HttpClient api, JsonObject body, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var submitted = await api.SendAsync(request);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var status = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}")).GetProperty("status").GetString();
            if (status == expected) return id;
            Assert.True(status is "submitted", $"the referral became {status}, not {expected}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"the referral was not {expected} within 10 s");
    }
}
