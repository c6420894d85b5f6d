using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Testing.Hub;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.EndToEnd;

/// <summary>
/// The embedded host with a clock the test moves, a captured log and a recorder on the bus: deadlines escalate to the
/// demo area's child protection focal point, and a full Nadia run leaves her name and birth date in no file, log or message.
/// </summary>
public sealed class EmbeddedDeadlineAndScanTests : IAsyncLifetime
{
    private readonly MovableClock _clock = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ConcurrentQueue<string> _bus = new();
    private readonly ConcurrentQueue<ReferralEscalated> _escalations = new();
    private EmbeddedHubFactory _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = new EmbeddedHubFactory
        {
            Settings = { ["Referrals:SweepInterval"] = "00:00:00.200" },
            ConfigureTestServices = services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.AddSingleton<ILoggerProvider>(_logs);
            },
        };
        await _hub.InitializeAsync();
        var bus = _hub.Services.GetRequiredService<IBus>();
        bus.ConnectPublishObserver(new BusRecorder(_bus));
        bus.ConnectSendObserver(new BusRecorder(_bus));
        var handle = bus.ConnectReceiveEndpoint("test-escalations-embedded",
            e => e.Handler<ReferralEscalated>(c => { _escalations.Enqueue(c.Message); return Task.CompletedTask; }));
        await handle.Ready;
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task An_overdue_offer_is_escalated_to_the_areas_child_protection_focal_point_and_reoffered()
    {
        var referrer = await _hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var flow = new HubFlow(referrer, await _hub.ClientForAsync("agency-b-system", "agency-b-secret"));
        await flow.RecordConsentAsync("E2E-LATE", ["mental-health"]);
        var body = HubFlow.Referral("E2E-LATE", priority: "high");
        body["child"]!.AsObject().Remove("languages"); // so agency-f's English-only clinic is eligible as the second service
        var id = await SubmitOkAsync(referrer, body);
        var offered = await WaitForStatusAsync(referrer, id, "offered");
        Assert.Equal("agency-b", offered.GetProperty("organisationCode").GetString());

        _clock.Advance(TimeSpan.FromHours(25));
        referrer = await _hub.ClientForAsync("agency-a-system", "agency-a-secret"); // a token from the moved clock

        var late = await WaitAsync(async () =>
        {
            var r = await GetAsync(referrer, id);
            return r.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("reason").GetString() == "overdue") ? r : null;
        }, "overdue mark");
        var escalation = await WaitAsync(() => Task.FromResult<JsonElement?>(_escalations.FirstOrDefault(e => e.ReferralId == id) is { } e
            ? JsonSerializer.SerializeToElement(e) : null), "escalation");
        Assert.NotEmpty(escalation.GetProperty("FocalPointIds").EnumerateArray());
        Assert.Equal("demo-camp-1", escalation.GetProperty("AreaCode").GetString());
        // The demo pathway re-offers: the next service in order (agency-f's clinic) gets the referral.
        var reoffered = await WaitAsync(async () =>
        {
            var r = await GetAsync(referrer, id);
            return r.GetProperty("organisationCode").GetString() != "agency-b" ? r : null;
        }, "re-offer");
        Assert.Equal("offered", reoffered.GetProperty("status").GetString());
        Assert.Equal("re-offered", reoffered.GetProperty("reason").GetString());
        Assert.True(late.GetProperty("overdue").GetBoolean() || reoffered.GetProperty("history").EnumerateArray().Any(h => h.GetProperty("overdue").GetBoolean()));
    }

    [Fact]
    public async Task After_a_full_Nadia_run_no_file_log_line_or_bus_message_holds_her_name_or_date_of_birth()
    {
        var referrer = await _hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var flow = new HubFlow(referrer, await _hub.ClientForAsync("agency-b-system", "agency-b-secret"));
        var id = await flow.NadiaAsync("E2E-SCAN");
        Assert.Equal(HttpStatusCode.OK, (await referrer.GetAsync("/api/v1/cases/E2E-SCAN/export")).StatusCode);

        string[] secrets = ["Nadia", "Salih", NadiaDateOfBirth];
        foreach (var file in System.IO.Directory.GetFiles(_hub.DataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var memory = new MemoryStream())
            {
                await stream.CopyToAsync(memory);
                bytes = memory.ToArray();
            }
            foreach (var secret in secrets)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' found in {Path.GetFileName(file)}");
        }
        Assert.Contains(_bus, m => m.Contains(id.ToString(), StringComparison.Ordinal));
        Assert.Contains(_logs.Lines, l => l.Contains(id.ToString(), StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(_logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(_bus, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }
}
