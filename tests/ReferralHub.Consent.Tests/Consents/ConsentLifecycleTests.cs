using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;
using ReferralHub.Hosting.Protection;

namespace ReferralHub.Consent.Tests.Consents;

/// <summary>Record, amend (new version), withdraw (one event), read current and history.</summary>
public sealed class ConsentLifecycleTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Recording_returns_version_1_and_a_second_record_of_the_same_case_is_a_conflict()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();

        var response = await client.PostAsJsonAsync("/api/v1/consents", ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        var again = await client.PostAsJsonAsync("/api/v1/consents", ConsentApi.Consent(caseCode, ["food"], hub.Clock));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, view.GetProperty("version").GetInt32());
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal("agency-a-system", view.GetProperty("recordedBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task An_amendment_is_a_new_version_and_the_old_one_is_kept_unchanged()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        var first = await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));

        var amended = ConsentApi.Consent(caseCode, ["medical", "food"], hub.Clock);
        amended["expectedVersion"] = 1;
        var response = await client.PutAsJsonAsync($"/api/v1/consents/{caseCode}", amended);
        var stale = await client.PutAsJsonAsync($"/api/v1/consents/{caseCode}", amended);
        var history = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/history")).GetProperty("items").EnumerateArray().ToArray();
        var current = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal([1, 2], history.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(["medical"], history[0].GetProperty("sharing").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["food", "medical"], current.GetProperty("sharing").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(first.GetProperty("consentId").GetGuid(), current.GetProperty("consentId").GetGuid());
    }

    [Fact]
    public async Task History_and_decision_log_are_pages_followed_by_their_cursor_and_a_bad_cursor_or_limit_is_a_400_naming_it()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        var amended = ConsentApi.Consent(caseCode, ["medical", "food"], hub.Clock);
        amended["expectedVersion"] = 1;
        (await client.PutAsJsonAsync($"/api/v1/consents/{caseCode}", amended)).EnsureSuccessStatusCode();
        var permit = await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1");
        var denial = await client.CheckAsync(caseCode, "agency-b", "education-formal", "referral:2");

        var first = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/history?limit=1");
        var second = await client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/consents/{caseCode}/history?limit=1&cursor={first.GetProperty("nextCursor").GetString()}");
        var log1 = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/decisions?limit=1");
        var log2 = await client.GetFromJsonAsync<JsonElement>(
            $"/api/v1/consents/{caseCode}/decisions?limit=1&cursor={log1.GetProperty("nextCursor").GetString()}");
        var badCursor = await client.GetAsync($"/api/v1/consents/{caseCode}/decisions?cursor=not-ours");
        var badLimit = await client.GetAsync($"/api/v1/consents/{caseCode}/history?limit=0");

        Assert.Equal(1, Assert.Single(first.GetProperty("items").EnumerateArray()).GetProperty("version").GetInt32());
        Assert.Equal(2, Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(permit.DecisionId, Assert.Single(log1.GetProperty("items").EnumerateArray()).GetProperty("decisionId").GetGuid());
        Assert.Equal(denial.DecisionId, Assert.Single(log2.GetProperty("items").EnumerateArray()).GetProperty("decisionId").GetGuid());
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.True((await badCursor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("cursor", out _));
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.True((await badLimit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task Withdrawal_publishes_ConsentWithdrawn_exactly_once_and_a_second_withdrawal_is_a_conflict()
    {
        var received = new List<ConsentWithdrawn>();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = hub.Services.GetRequiredService<IBus>();
        var endpoint = bus.ConnectReceiveEndpoint($"test-consent-withdrawn-{Guid.NewGuid():N}", e => e.Handler<ConsentWithdrawn>(context =>
        {
            lock (received) received.Add(context.Message);
            arrived.TrySetResult();
            return Task.CompletedTask;
        }));
        await endpoint.Ready;

        try
        {
            var client = await hub.AgencyAAsync();
            var caseCode = ConsentApi.NewCase();
            var recorded = await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));

            var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)));

            Assert.Single(attempts, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(attempts.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await WaitUntilOutboxSentAsync();
            lock (received)
            {
                var mine = Assert.Single(received, m => m.CaseCode == caseCode);
                Assert.Equal("agency-a", mine.AgencyCode);
                Assert.Equal(recorded.GetProperty("consentId").GetGuid(), mine.ConsentId);
                Assert.Equal(2, mine.Version);
            }

            var current = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}");
            Assert.Equal("withdrawn", current.GetProperty("status").GetString());
        }
        finally
        {
            await endpoint.ReceiveEndpoint.Stop();
        }
    }

    [Fact]
    public async Task After_a_withdrawal_a_new_consent_can_be_recorded_and_permits_again()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));
        (await client.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).EnsureSuccessStatusCode();
        var amendWithdrawn = await client.PutAsJsonAsync($"/api/v1/consents/{caseCode}", ConsentApi.Consent(caseCode, ["medical"], hub.Clock));

        var renewed = await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock));

        Assert.Equal(HttpStatusCode.Conflict, amendWithdrawn.StatusCode);
        Assert.Equal(3, renewed.GetProperty("version").GetInt32());
        Assert.True((await client.CheckAsync(caseCode, "agency-b", "medical", "referral:9")).Permitted);
    }

    [Fact]
    public async Task Withhold_reason_text_is_returned_to_the_owning_agency_but_not_stored_in_clear()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        const string narrative = "Her uncle works at that organisation";
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock,
            withholds: [new { item = "child.currentLocation", organisation = "agency-b", reason = "other", reasonText = narrative }]));

        var current = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}");

        Assert.Equal(narrative, current.GetProperty("withholds")[0].GetProperty("reasonText").GetString());
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentRegistryDbContext>();
        var stored = await db.Consents.AsNoTracking().SingleAsync(c => c.CaseCode == caseCode);
        Assert.DoesNotContain(narrative, stored.Withholds[0].ProtectedReasonText);
    }

    [Fact]
    public async Task Destroying_the_case_keys_makes_the_reason_text_unreadable_but_keeps_the_record()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock,
            withholds: [new { item = "caseHistory", reason = "other", reasonText = "She will tell the nurse herself" }]));

        var protector = hub.Services.GetRequiredService<IPersonalDataProtector<ConsentRegistryDbContext>>();
        await protector.DestroyScopeAsync(ProtectionScopes.Case("agency-a", caseCode));
        var current = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}");

        var withhold = current.GetProperty("withholds")[0];
        Assert.Equal("caseHistory", withhold.GetProperty("item").GetString());
        Assert.Equal(JsonValueKind.Null, withhold.GetProperty("reasonText").ValueKind);
        Assert.Equal(["caseHistory"], (await client.CheckAsync(caseCode, "agency-b", "medical", "referral:1")).WithheldItems);
    }

    [Fact]
    public async Task A_referrer_only_caseworker_of_the_agency_can_record_but_a_provider_cannot()
    {
        var caseworker = await hub.ClientAsync(ConsentHub.Caseworker);
        var provider = await hub.ClientForAsync("agency-b-system", "agency-b-secret");

        var byCaseworker = await caseworker.PostAsJsonAsync("/api/v1/consents", ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock));
        var byProvider = await provider.PostAsJsonAsync("/api/v1/consents", ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock));
        var anonymous = await hub.CreateClient().PostAsJsonAsync("/api/v1/consents", ConsentApi.Consent(ConsentApi.NewCase(), ["medical"], hub.Clock));

        Assert.Equal(HttpStatusCode.Created, byCaseworker.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byProvider.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task WaitUntilOutboxSentAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            await using var scope = hub.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsentRegistryDbContext>();
            if (!await db.OutboxMessages.AnyAsync(m => m.SentAt == null)) return;
            await Task.Delay(100);
        }
        Assert.Fail("The outbox did not publish its messages.");
    }
}
