using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Transfers;
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

        List<(HttpRequestMessage Request, string Body, bool Accepted)> Calls() =>
            [.. hub.Receiver.Calls.Where(c => c.Request.RequestUri!.Host == "agency-w.example")];
        await WaitAsync(() => Task.FromResult<JsonElement?>(
            Calls().Count(c => c.Accepted) >= 2 ? JsonSerializer.SerializeToElement(Calls().Count) : null), "two delivered callbacks");
        var calls = Calls();
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
    public async Task A_change_the_receiver_never_takes_is_dead_lettered_and_can_be_resent()
    {
        var admin = hub.ClientFor("agency-d", Roles.AgencyAdmin);
        var referrer = hub.ClientFor("agency-d", Roles.Referrer);
        var registered = await (await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-d.example/hook" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var hook = registered.GetProperty("id").GetGuid();
        Assert.True(registered.GetProperty("secret").GetString()!.Length >= 32); // generated, shown once
        hub.Receiver.Down = true;
        await SubmitOkAsync(referrer, NadiaReferral("CASE-DEAD", serviceType: "wash"));

        var letters = await WaitAsync(async () =>
        {
            var list = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/webhooks/{hook}/dead-letters")).GetProperty("items");
            return list.GetArrayLength() > 0 ? list : null;
        }, "a dead letter");
        var letter = letters[0];
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32()); // MaxAttempts in the test host
        var letterId = letter.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadGateway, (await admin.PostAsync($"/api/v1/referrals/webhooks/{hook}/dead-letters/{letterId}/resend", null)).StatusCode);

        hub.Receiver.Down = false;
        var resent = await admin.PostAsync($"/api/v1/referrals/webhooks/{hook}/dead-letters/{letterId}/resend", null);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("resentAt").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await hub.ClientFor("agency-w", Roles.AgencyAdmin)
            .PostAsync($"/api/v1/referrals/webhooks/{hook}/dead-letters/{letterId}/resend", null)).StatusCode);
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

        var next = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/changes?cursor={cursor}");
        var change = Assert.Single(next.GetProperty("items").EnumerateArray());
        Assert.Equal("withdrawn", change.GetProperty("status").GetString());
        Assert.Equal("no-longer-needed", change.GetProperty("reason").GetString());
        // The feed's earlier parameter is still read: a sequence number kept from an item, or a cursor passed back as it.
        var lastSequence = page.GetProperty("items").EnumerateArray().Last().GetProperty("sequence").GetInt64();
        var bySequence = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/changes?after={lastSequence}");
        var byOldName = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/changes?after={cursor}");
        Assert.Equal("withdrawn", Assert.Single(bySequence.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal("withdrawn", Assert.Single(byOldName.GetProperty("items").EnumerateArray()).GetProperty("status").GetString());
        var wrong = await referrer.GetAsync("/api/v1/referrals/changes?cursor=12");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.True((await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("cursor", out _));
        var other = await hub.ClientFor("agency-g", Roles.Referrer).GetFromJsonAsync<JsonElement>("/api/v1/referrals/changes");
        Assert.Empty(other.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Transfer_steps_reach_both_agencies_through_their_webhooks_without_the_case_code_and_stay_out_of_the_referral_feed()
    {
        var senderAdmin = hub.ClientFor("agency-ts", Roles.AgencyAdmin);
        var receiverAdmin = hub.ClientFor("agency-tr", Roles.AgencyAdmin);
        Assert.Equal(HttpStatusCode.Created, (await senderAdmin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-ts.example/hook", secret = "sender-shared-secret-0123456" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await receiverAdmin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-tr.example/hook", secret = "receiver-shared-secret-01234" })).StatusCode);
        var transferId = Guid.NewGuid();
        var bus = hub.Services.GetRequiredService<IBus>();
        // What the transfer service publishes (through its outbox) at each step.
        foreach (var status in new[] { "capacity-requested", "capacity-declined" })
            await bus.Publish(new TransferStatusChanged(transferId, "agency-ts", "CASE-TS-7", "agency-tr", status, status == "capacity-declined" ? "no-capacity" : null, DateTime.UtcNow));

        foreach (var (host, other, secret) in new[] { ("agency-ts.example", "agency-tr", "sender-shared-secret-0123456"), ("agency-tr.example", "agency-ts", "receiver-shared-secret-01234") })
        {
            var calls = await WaitAsync(() =>
            {
                var accepted = hub.Receiver.Calls.Where(c => c.Request.RequestUri!.Host == host && c.Accepted).ToList();
                return Task.FromResult<JsonElement?>(accepted.Count >= 2 ? JsonSerializer.SerializeToElement(accepted.Select(c => c.Body)) : null);
            }, $"two transfer callbacks to {host}");
            var bodies = calls.EnumerateArray().Select(b => JsonDocument.Parse(b.GetString()!).RootElement).ToList();
            Assert.All(bodies, b => Assert.Equal("transfer.status-changed", b.GetProperty("type").GetString()));
            Assert.All(bodies, b => Assert.Equal(transferId, b.GetProperty("transferId").GetGuid()));
            Assert.All(bodies, b => Assert.Equal(other, b.GetProperty("organisationCode").GetString()));
            Assert.Equal(["capacity-requested", "capacity-declined"], bodies.Select(b => b.GetProperty("status").GetString()));
            Assert.Equal("no-capacity", bodies[1].GetProperty("reason").GetString());
            Assert.All(calls.EnumerateArray(), b => Assert.DoesNotContain("CASE-TS-7", b.GetString()));
            var first = hub.Receiver.Calls.First(c => c.Request.RequestUri!.Host == host && c.Accepted);
            Assert.Equal(Sign(secret, first.Request.Headers.GetValues(WebhookSignature.TimestampHeader).Single(), first.Body),
                first.Request.Headers.GetValues(WebhookSignature.SignatureHeader).Single());
        }

        // The referral change feed stays about referrals.
        var feed = await hub.ClientFor("agency-ts", Roles.Referrer).GetFromJsonAsync<JsonElement>("/api/v1/referrals/changes");
        Assert.Empty(feed.GetProperty("items").EnumerateArray());
    }

    /// <summary>What a receiver computes: HMAC-SHA256 over "{timestamp}.{body}" with the shared secret.</summary>
    private static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
