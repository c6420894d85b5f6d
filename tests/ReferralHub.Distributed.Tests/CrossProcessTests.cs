using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Testing;

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// Messages from one service process to another, with two replicas of every service (issue: queues owned by services).
/// Every event must reach every subscribing service: consent withdrawal and supervisor overrides are heard by both
/// referrals and transfers, a case transfer by referrals.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class CrossProcessTests(DistributedHub hub) : IAsyncLifetime
{
    private Agencies _agencies = null!;

    public async Task InitializeAsync()
    {
        _agencies = new Agencies(
            await hub.ClientAsync("agency-a-system", "agency-a-secret"),
            await hub.ClientAsync("agency-b-system", "agency-b-secret"),
            await hub.ClientAsync("agency-d-system", "agency-d-secret"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_referrals_whole_life_crosses_every_service_and_each_change_is_called_back_once()
    {
        await using var hook = await WebhookReceiver.StartAsync(hub);
        var caseCode = Agencies.NewCase("XP-LIFE");
        await _agencies.RecordConsentAsync(caseCode, "mental-health");
        var id = await _agencies.SubmitAsync(Agencies.Referral(caseCode));

        var offered = await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{id}", "offered");
        Assert.Equal("agency-b", offered.GetProperty("organisationCode").GetString());
        using (var accepted = await _agencies.AnswerAsync(id, "accept", "accepted"))
        {
            var released = await accepted.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Nadia", released.GetProperty("payload").GetProperty("child").GetProperty("firstName").GetString());
        }

        (await _agencies.AnswerAsync(id, "start", "in-service", new { startedOn = "2026-11-30" })).Dispose();
        (await _agencies.AnswerAsync(id, "complete", "completed", Agencies.CompleteForm)).Dispose();
        var final = await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{id}", "completed");
        Assert.Single(final.GetProperty("releases").EnumerateArray());

        string[] expected = ["submitted", "offered", "accepted", "in-service", "completed"];
        var calls = await hook.WaitForAsync(id, expected);
        Assert.Equal(expected, calls.Select(c => c.Status));
        Assert.Equal(calls.Count, calls.Select(c => c.Delivery).Distinct().Count());
    }

    [Fact]
    public async Task FHIR_through_the_gateway_addresses_every_resource_at_the_gateway()
    {
        // The facade runs in its own process behind the gateway: fullUrls and links must name the gateway (X-Forwarded-*),
        // never the facade's internal address, or a client following them would leave the gateway.
        var gatewayFhir = new Uri(hub.Gateway, "fhir/").ToString().TrimEnd('/');
        using var response = await _agencies.Referrer.GetAsync("/fhir/Organization?_count=1");
        var bundle = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var urls = bundle.GetProperty("link").EnumerateArray().Select(l => l.GetProperty("url").GetString()!)
            .Concat(bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("fullUrl").GetString()!)).ToList();
        Assert.Contains(urls, u => u.Contains("_offset=", StringComparison.Ordinal)); // a next link, not only self
        Assert.All(urls, u => Assert.StartsWith(gatewayFhir + "/", u, StringComparison.Ordinal));
        var smart = await _agencies.Referrer.GetFromJsonAsync<JsonElement>("/fhir/.well-known/smart-configuration");
        Assert.StartsWith(hub.Gateway.GetLeftPart(UriPartial.Authority), smart.GetProperty("token_endpoint").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_withdrawal_reaches_both_referrals_and_transfers_for_every_case()
    {
        var cases = Enumerable.Range(0, 6).Select(_ => Agencies.NewCase("XP-WDR")).ToList();
        var open = new List<(string Case, Guid Referral, Guid Transfer)>();
        foreach (var caseCode in cases)
        {
            await _agencies.RecordConsentAsync(caseCode, "mental-health", "case-transfer");
            var referral = await _agencies.SubmitAsync(Agencies.Referral(caseCode));
            await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{referral}", "offered");
            var transfer = await _agencies.RequestTransferAsync(caseCode);
            await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/transfers/{transfer}", "capacity-requested");
            open.Add((caseCode, referral, transfer));
        }

        foreach (var (caseCode, _, _) in open)
        {
            using var withdrawal = await _agencies.Referrer.PostAsJsonAsync($"/api/v1/consents/{caseCode}/withdraw", new { });
            Assert.True(withdrawal.IsSuccessStatusCode, await withdrawal.Content.ReadAsStringAsync());
        }

        foreach (var (_, referral, transfer) in open)
        {
            var withdrawn = await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{referral}", "withdrawn");
            Assert.Equal("consent-withdrawn", withdrawn.GetProperty("reason").GetString());
            await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/transfers/{transfer}", "cancelled");
        }
    }

    [Fact]
    public async Task A_supervisor_override_resumes_a_blocked_referral_and_a_consent_denied_transfer()
    {
        using var supervisor = await hub.ClientAsync(DistributedHub.SupervisorClient, DistributedHub.SupervisorSecret);
        var caseCode = Agencies.NewCase("XP-OVR");
        await _agencies.RecordConsentAsync(caseCode, "education-formal");
        var referral = await _agencies.SubmitAsync(Agencies.Referral(caseCode));
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{referral}", "blocked-consent");
        var transfer = await _agencies.RequestTransferAsync(caseCode);
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/transfers/{transfer}", "capacity-requested");
        using (var capacity = await _agencies.Receiver.PostAsJsonAsync($"/api/v1/transfers/{transfer}/capacity", new { decision = "confirm", caseworkerId = "cw-1" }))
            Assert.True(capacity.IsSuccessStatusCode, await capacity.Content.ReadAsStringAsync());
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/transfers/{transfer}", "consent-denied");

        foreach (var reference in (string[])[$"referral:{referral}", $"transfer:{transfer}"])
        {
            using var authorised = await supervisor.PostAsJsonAsync("/api/v1/consents/overrides", new
            {
                caseCode, releaseReference = reference, ground = "imminent-danger", justification = "Child at risk tonight; no caregiver reachable.",
            });
            Assert.True(authorised.StatusCode == HttpStatusCode.Created, await authorised.Content.ReadAsStringAsync());
        }

        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{referral}", "offered");
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/transfers/{transfer}", "released");
    }

    [Fact]
    public async Task A_case_transfer_moves_the_open_referrals_to_the_receiving_agency()
    {
        var caseCode = Agencies.NewCase("XP-MOVE");
        await _agencies.RecordConsentAsync(caseCode, "mental-health", "case-transfer");
        var referral = await _agencies.SubmitAsync(Agencies.Referral(caseCode));
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{referral}", "offered");
        (await _agencies.AnswerAsync(referral, "accept", "accepted")).Dispose();

        var transfer = await _agencies.RequestTransferAsync(caseCode);
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/transfers/{transfer}", "capacity-requested");
        using (var capacity = await _agencies.Receiver.PostAsJsonAsync($"/api/v1/transfers/{transfer}/capacity", new { decision = "confirm", caseworkerId = "cw-2" }))
            Assert.True(capacity.IsSuccessStatusCode, await capacity.Content.ReadAsStringAsync());
        await Agencies.WaitForAsync(_agencies.Receiver, $"/api/v1/transfers/{transfer}", "released");
        using (var acknowledged = await _agencies.Receiver.PostAsJsonAsync($"/api/v1/transfers/{transfer}/acknowledge", new { receivingCaseCode = $"D-{caseCode}" }))
            Assert.True(acknowledged.IsSuccessStatusCode, await acknowledged.Content.ReadAsStringAsync());

        // The referrals service (another process) hears CaseResponsibilityTransferred: the referral now reports to agency D.
        for (var i = 0; ; i++)
        {
            using var seen = await _agencies.Receiver.GetAsync($"/api/v1/referrals/{referral}");
            if (seen.StatusCode == HttpStatusCode.OK) break;
            Assert.True(i < 600, $"agency D never saw referral {referral}: {(int)seen.StatusCode}");
            await Task.Delay(200);
        }

        // The new owner gets routing facts and what happens from now on, never the referral form (the release gate).
        var owner = await Agencies.GetAsync(_agencies.Receiver, $"/api/v1/referrals/{referral}");
        Assert.DoesNotContain("Nadia", owner.GetRawText());
    }

    [Fact]
    public async Task A_missed_deadline_is_escalated_once_with_two_referrals_replicas_sweeping()
    {
        var caseCode = Agencies.NewCase("XP-LATE");
        await _agencies.RecordConsentAsync(caseCode, "mental-health");
        var id = await _agencies.SubmitAsync(Agencies.Referral(caseCode));
        await Agencies.WaitForAsync(_agencies.Referrer, $"/api/v1/referrals/{id}", "offered");

        // The deadline passes (the database is the sweep's clock): both replicas sweep every 5 s from now on.
        await hub.SqlAsync("referralhub_referrals", $"UPDATE referrals SET \"DeadlineAt\" = now() - interval '1 minute' WHERE \"Id\" = '{id}'");
        JsonElement referral = default;
        for (var i = 0; i < 600; i++)
        {
            referral = await Agencies.GetAsync(_agencies.Referrer, $"/api/v1/referrals/{id}");
            if (referral.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("reason").GetString() == "overdue")) break;
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(20)); // four more sweep rounds of each replica
        referral = await Agencies.GetAsync(_agencies.Referrer, $"/api/v1/referrals/{id}");
        var escalations = referral.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("reason").GetString() == "overdue");
        Assert.True(escalations == 1, $"escalated {escalations} times: {referral}");
    }
}

/// <summary>An agency's callback endpoint on loopback, counting what arrives (http on loopback is allowed in Development).</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(Guid Referral, string Status, string Delivery)> _calls = new();
    private readonly CallbackReceiver _server;

    private WebhookReceiver() => _server = new CallbackReceiver((request, text) =>
    {
        var body = JsonDocument.Parse(text).RootElement;
        if (body.TryGetProperty("referralId", out var id) && id.ValueKind == JsonValueKind.String)
            _calls.Enqueue((id.GetGuid(), body.GetProperty("status").GetString()!, request.Headers["X-ReferralHub-Delivery"] ?? ""));
        return 200;
    }, "/hook/");

    public static async Task<WebhookReceiver> StartAsync(DistributedHub hub)
    {
        var receiver = new WebhookReceiver();
        using var admin = await hub.ClientAsync(DistributedHub.AdminClient, DistributedHub.AdminSecret);
        using var registered = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = receiver._server.Url });
        Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await registered.Content.ReadAsStringAsync());
        return receiver;
    }

    public async Task<IReadOnlyList<(Guid Referral, string Status, string Delivery)>> WaitForAsync(Guid referral, string[] statuses)
    {
        for (var i = 0; i < 600; i++)
        {
            var mine = _calls.Where(c => c.Referral == referral).ToList();
            if (mine.Count >= statuses.Length)
            {
                await Task.Delay(3000); // a repeated delivery would arrive now
                return [.. _calls.Where(c => c.Referral == referral)];
            }

            await Task.Delay(200);
        }

        return [.. _calls.Where(c => c.Referral == referral)];
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
