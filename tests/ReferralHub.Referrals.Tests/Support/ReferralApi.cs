using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReferralHub.Referrals.Tests.Support;

/// <summary>Small helpers over the HTTP API; tests read plain JSON like an integrator would.</summary>
public static class ReferralApi
{
    /// <summary>15 years old today (Nadia's age in seed 000), so her age band is stable whenever the tests run.</summary>
    public static readonly string NadiaDateOfBirth = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-15).AddDays(-40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject NadiaReferral(string caseCode, string serviceType = "specialised-mhpss", string area = FakeWorld.Area, string priority = "medium") => new()
    {
        ["caseCode"] = caseCode,
        ["priority"] = priority,
        ["serviceType"] = serviceType,
        ["areaCode"] = area,
        ["consent"] = new JsonObject { ["given"] = true },
        ["referralDate"] = "2022-09-14",
        ["referralType"] = "external",
        ["referredBy"] = new JsonObject { ["name"] = "Samera Hassan", ["position"] = "Caseworker" },
        ["child"] = new JsonObject
        {
            ["firstName"] = "Nadia", ["middleName"] = "Mohammed", ["lastName"] = "Salih",
            ["dateOfBirth"] = NadiaDateOfBirth, ["dateOfBirthEstimated"] = false, ["sex"] = "female",
            ["languages"] = new JsonArray("Arabic"), ["currentLocation"] = "Participant to determine",
        },
        ["caregiver"] = new JsonObject
        {
            ["informed"] = true, ["firstName"] = "Mohammed", ["middleName"] = "Salih", ["lastName"] = "Karim",
            ["dateOfBirth"] = "1982-11-01", ["sex"] = "male", ["relationship"] = "Father",
        },
        ["reasonForReferral"] = "Hard to fall asleep because the child worried about her family situation overall and her potential marriage.",
        ["caseHistory"] = "Nightmares about the fighting she witnessed in her hometown.",
        ["expectedOutcome"] = "Child to learn how to manage her feelings and deal with her recurring nightmares.",
        ["feedback"] = new JsonObject { ["contactVia"] = "caseworker", ["followUp"] = new JsonArray("face-to-face") },
    };

    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, JsonObject body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    public static async Task<Guid> SubmitOkAsync(HttpClient client, JsonObject body, string? key = null)
    {
        var response = await SubmitAsync(client, body, key);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/v1/referrals/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Polls (the flow is asynchronous over the bus) until the referral reaches a status; fails after 30 s.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Guid id, params string[] statuses)
    {
        JsonElement last = default;
        for (var i = 0; i < 600; i++)
        {
            last = await GetAsync(client, id);
            if (statuses.Contains(last.GetProperty("status").GetString())) return last;
            await Task.Delay(50);
        }
        Assert.Fail($"referral {id} stayed {last.GetProperty("status").GetString()}, expected {string.Join("/", statuses)}");
        return last;
    }

    public static async Task<JsonElement> WaitAsync(Func<Task<JsonElement?>> probe, string what)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await probe() is { } found) return found;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out waiting for {what}");
        return default;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, Guid id, string action, object? body = null) =>
        client.PostAsJsonAsync($"/api/v1/referrals/{id}/{action}", body ?? new { });

    public static object CompleteForm => new
    {
        startedOn = "2022-09-18",
        completedOn = "2022-12-04",
        details = "The child attended sessions with the psychologist to deal with her recurring nightmares.",
        followUpRecommendations = "The caseworker ensures that the child is sleeping better.",
        providedBy = new { name = "Sarah Kamal", position = "Psychologist", contact = "421432" },
        childSatisfaction = "high",
        caregiverSatisfaction = "high",
    };
}
