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

/// <summary>
/// One agency's slow or dead receiver does not hold back another agency's callbacks: deliveries run side by side
/// (bounded), each subscription in order, and an endpoint that keeps timing out or refusing connections is left alone
/// for a while (its circuit opens) instead of costing a timeout per subscription per round.
/// </summary>
public sealed class WebhookParallelDeliveryTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = new();

    public Task InitializeAsync()
    {
        _hub.Settings["Referrals:Webhooks:Timeout"] = "00:10:00"; // a hung receiver stays hung until the test releases it
        _hub.Settings["Referrals:Webhooks:CircuitFailures"] = "2";
        _hub.Settings["Referrals:Webhooks:CircuitOpenFor"] = "01:00:00";
        return _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        _hub.Receiver.Release.TrySetResult();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task A_hung_receiver_does_not_delay_another_agencys_callbacks_and_keeps_its_own_order()
    {
        _hub.Receiver.HeldHost = "slow.example";
        await RegisterAsync("agency-slow", "https://slow.example/hook");
        await RegisterAsync("agency-quick", "https://quick.example/hook");

        // A transfer between the two: each agency gets the same two changes.
        await PublishTransferStepsAsync("agency-slow", "agency-quick", "CASE-PAR-1");

        await WaitAsync(() => Task.FromResult<JsonElement?>(Accepted("quick.example").Count >= 2 ? default(JsonElement) : null),
            "both callbacks at the quick receiver while the slow one hangs");
        Assert.Equal(["capacity-requested", "capacity-declined"], Accepted("quick.example"));
        Assert.Single(_hub.Receiver.Attempts, u => u.Host == "slow.example"); // its first callback, still hanging
        Assert.Empty(Accepted("slow.example"));

        _hub.Receiver.Release.SetResult();
        await WaitAsync(() => Task.FromResult<JsonElement?>(Accepted("slow.example").Count >= 2 ? default(JsonElement) : null), "the slow receiver's callbacks");
        Assert.Equal(["capacity-requested", "capacity-declined"], Accepted("slow.example"));
    }

    [Fact]
    public async Task An_unreachable_endpoint_shared_by_two_agencies_trips_its_circuit_and_is_not_called_again_meanwhile()
    {
        _hub.Receiver.UnreachableHost = "gone.example";
        await RegisterAsync("agency-gone-1", "https://gone.example/hook-1");
        await RegisterAsync("agency-gone-2", "https://gone.example/hook-2");
        await RegisterAsync("agency-alive", "https://alive.example/hook");

        await PublishTransferStepsAsync("agency-gone-1", "agency-gone-2", "CASE-CIRCUIT-1");
        foreach (var agency in new[] { "agency-gone-1", "agency-gone-2" })
            await WaitAsync(async () =>
            {
                var hook = (await Admin(agency).GetFromJsonAsync<JsonElement>("/api/v1/referrals/webhooks")).GetProperty("items")[0];
                return hook.GetProperty("lastError").GetString() == WebhookCircuits.OpenError ? hook : null;
            }, $"{agency}'s webhook paused by the open circuit");
        var callsWhenOpen = _hub.Receiver.Attempts.Count(u => u.Host == "gone.example");

        // Rounds go on (another agency's callbacks arrive), the open circuit keeps the dead endpoint out of them.
        await PublishTransferStepsAsync("agency-alive", "agency-elsewhere", "CASE-CIRCUIT-2");
        await WaitAsync(() => Task.FromResult<JsonElement?>(Accepted("alive.example").Count >= 2 ? default(JsonElement) : null), "callbacks to a live receiver");

        Assert.Equal(callsWhenOpen, _hub.Receiver.Attempts.Count(u => u.Host == "gone.example"));
        Assert.InRange(callsWhenOpen, 2, 3); // the failures that opened it (plus at most one already under way)
        foreach (var agency in new[] { "agency-gone-1", "agency-gone-2" })
        {
            var hook = (await Admin(agency).GetFromJsonAsync<JsonElement>("/api/v1/referrals/webhooks")).GetProperty("items")[0];
            Assert.Equal(0, hook.GetProperty("deadLetters").GetInt32()); // pausing is not failing: nothing dead-lettered
        }
    }

    private HttpClient Admin(string agency) => _hub.ClientFor(agency, Roles.AgencyAdmin);

    private async Task RegisterAsync(string agency, string url) =>
        Assert.Equal(System.Net.HttpStatusCode.Created, (await Admin(agency).PostAsJsonAsync("/api/v1/referrals/webhooks", new { url })).StatusCode);

    private async Task PublishTransferStepsAsync(string from, string to, string caseCode)
    {
        var transferId = Guid.NewGuid();
        var bus = _hub.Services.GetRequiredService<IBus>();
        foreach (var status in new[] { "capacity-requested", "capacity-declined" })
            await bus.Publish(new TransferStatusChanged(transferId, from, caseCode, to, status, status == "capacity-declined" ? "no-capacity" : null, DateTime.UtcNow));
    }

    private List<string?> Accepted(string host) =>
        [.. _hub.Receiver.Calls.Where(c => c.Request.RequestUri!.Host == host && c.Accepted)
            .Select(c => JsonDocument.Parse(c.Body).RootElement.GetProperty("status").GetString())];
}
