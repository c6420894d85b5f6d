using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Referrals.Webhooks;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>Telling the referring system: signed callbacks with retries and dead letters, and the pull feed.</summary>
public sealed class WebhookTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    [Fact]
    public async Task Every_status_change_is_called_back_signed_and_a_failing_receiver_is_retried()
    {
        var admin = hub.ClientFor("agency-w", Roles.AgencyAdmin);
        var referrer = hub.ClientFor("agency-w", Roles.Referrer);
        Assert.Equal(HttpStatusCode.Forbidden, (await referrer.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-w.example/hook" })).StatusCode);
        var registered = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-w.example/hook", secret = "a-long-shared-secret-0123" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        hub.Receiver.FailFirst = 2;
        hub.World.Consents["CASE-HOOK"] = new FakeConsent(true);

        var id = await SubmitOkAsync(referrer, NadiaReferral("CASE-HOOK"));
        await WaitForStatusAsync(referrer, id, "offered");

        var delivered = await WaitAsync(() => Task.FromResult<JsonElement?>(
            hub.Receiver.Calls.Count(c => c.Accepted) >= 2 ? JsonSerializer.SerializeToElement(hub.Receiver.Calls.Count) : null), "two delivered callbacks");
        var calls = hub.Receiver.Calls.ToList();
        Assert.Equal(2, calls.Count(c => !c.Accepted)); // the first change was retried after two failures
        var accepted = calls.Where(c => c.Accepted).ToList();
        Assert.Equal(["submitted", "offered"], accepted.Take(2).Select(c => JsonDocument.Parse(c.Body).RootElement.GetProperty("status").GetString()));
        foreach (var (request, body, _) in accepted)
        {
            var timestamp = request.Headers.GetValues(WebhookSignature.TimestampHeader).Single();
            var signature = request.Headers.GetValues(WebhookSignature.SignatureHeader).Single();
            Assert.Equal(Sign("a-long-shared-secret-0123", timestamp, body), signature);
            Assert.DoesNotContain("Nadia", body);
            Assert.DoesNotContain("CASE-HOOK", body);
        }
    }

    [Fact]
    public async Task The_change_feed_lists_the_agencys_changes_after_a_cursor()
    {
        var referrer = hub.ClientFor("agency-f", Roles.Referrer);
        hub.World.Consents["CASE-FEED"] = new FakeConsent(true);
        var id = await SubmitOkAsync(referrer, NadiaReferral("CASE-FEED"));
        await WaitForStatusAsync(referrer, id, "offered");

        var page = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/referrals/changes");
        Assert.Equal(["submitted", "offered"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()));
        var cursor = page.GetProperty("nextCursor").GetString();
        Assert.Equal(HttpStatusCode.OK, (await referrer.PostAsJsonAsync($"/api/v1/referrals/{id}/withdraw", new { reason = "no-longer-needed" })).StatusCode);

        var next = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/changes?after={cursor}");
        var change = Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.Equal("withdrawn", change.GetProperty("status").GetString());
        Assert.Equal("no-longer-needed", change.GetProperty("reason").GetString());
        var other = await hub.ClientFor("agency-g", Roles.Referrer).GetFromJsonAsync<JsonElement>("/api/v1/referrals/changes");
        Assert.Empty(other.GetProperty("items").EnumerateArray());
    }

    /// <summary>What a receiver computes: HMAC-SHA256 over "{timestamp}.{body}" with the shared secret.</summary>
    private static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
