using System.Diagnostics;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Bench.Consent;

/// <summary>
/// Consent-check latency: CheckConsent request/response through the in-memory bus and RabbitMQ, and POST
/// /api/v1/consents/check, each a real decision (current version read, one-off use, decision appended to the log).
/// </summary>
public sealed class ConsentCheckScenario : IBenchScenario
{
    public string Name => "consent-check";

    public string Description => "consent decision latency: bus in-memory, bus RabbitMQ (SQLite and PostgreSQL), HTTP; options: --n 2000";

    public async Task<IReadOnlyList<BenchResult>> RunAsync(string[] options)
    {
        var n = Option(options, "--n", 2000);
        BenchHost.UseHostContentRoot();
        var results = new List<BenchResult>();

        await using (var hub = new EmbeddedHubFactory { Settings = { ["Logging:LogLevel:Default"] = "Warning" } })
        {
            await hub.InitializeAsync();
            var caseCode = await RecordAsync(hub);
            results.Add(await BusAsync(hub, caseCode, n, "bus in-memory, SQLite"));
            results.Add(await HttpAsync(hub, caseCode, n, "HTTP (in-process TestServer), SQLite"));
        }

        await using var rabbit = new RabbitMqServer();
        await rabbit.InitializeAsync();
        await using (var hub = new EmbeddedHubFactory { Settings = { ["ConnectionStrings:RabbitMq"] = rabbit.AmqpUri.ToString(), ["Logging:LogLevel:Default"] = "Warning" } })
        {
            await hub.InitializeAsync();
            var caseCode = await RecordAsync(hub);
            results.Add(await BusAsync(hub, caseCode, n, "bus RabbitMQ, SQLite"));
        }

        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var vhost = await rabbit.CreateVirtualHostAsync("bench-consent-pg");
        await using (var hub = new EmbeddedHubFactory
        {
            Settings =
            {
                ["ConnectionStrings:RabbitMq"] = vhost.ToString(),
                ["ConnectionStrings:consent"] = postgres.ConnectionStringFor("bench_consent"),
                ["Logging:LogLevel:Default"] = "Warning",
            },
        })
        {
            await hub.InitializeAsync();
            var caseCode = await RecordAsync(hub);
            results.Add(await BusAsync(hub, caseCode, n, "bus RabbitMQ, PostgreSQL"));
        }

        return results;
    }

    private static async Task<string> RecordAsync(EmbeddedHubFactory hub)
    {
        var client = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var caseCode = $"BENCH-{Guid.NewGuid():N}"[..20];
        var response = await client.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode,
            givenBy = "caregiver",
            givenOn = DateOnly.FromDateTime(DateTime.UtcNow),
            participateInCaseManagement = true,
            collectAndStore = true,
            sharing = new[] { "medical", "psychosocial-support" },
            validUntil = DateTimeOffset.UtcNow.AddDays(30),
            withholds = new[] { new { item = "child.name", reason = "fear-of-harm" } },
        });
        response.EnsureSuccessStatusCode();
        return caseCode;
    }

    private static async Task<BenchResult> BusAsync(EmbeddedHubFactory hub, string caseCode, int n, string label)
    {
        var recorder = new LatencyRecorder();
        await using var scope = hub.Services.CreateAsyncScope();
        var requests = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsent>>();
        CheckConsent Request(string reference) => new("agency-a", caseCode, "agency-b", "medical", reference, true, "agency-a-system");

        // Warm-up (also waits for the broker connection: start-up does not wait for it).
        for (var i = 0; i < 200; i++)
        {
            try { await requests.GetResponse<ConsentDecision>(Request($"referral:warm-{i}"), timeout: RequestTimeout.After(s: 10)); }
            catch (RequestTimeoutException) when (i < 5) { }
        }

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var response = await recorder.TimeAsync(() => requests.GetResponse<ConsentDecision>(Request($"referral:{i}")));
            if (!response.Message.Permitted) throw new InvalidOperationException($"unexpected denial: {response.Message.Reason}");
        }

        return new BenchResult(label, n, Stopwatch.GetElapsedTime(started).TotalSeconds, recorder.Summary(),
            new Dictionary<string, string> { ["mode"] = "sequential, one caller, Consume=true, period consent" });
    }

    private static async Task<BenchResult> HttpAsync(EmbeddedHubFactory hub, string caseCode, int n, string label)
    {
        var recorder = new LatencyRecorder();
        var client = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        Task<HttpResponseMessage> Post(string reference) => client.PostAsJsonAsync("/api/v1/consents/check", new
        {
            caseCode, recipientOrganisation = "agency-b", purpose = "medical", releaseReference = reference, consume = true,
        });

        for (var i = 0; i < 200; i++) (await Post($"referral:http-warm-{i}")).EnsureSuccessStatusCode();

        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var response = await recorder.TimeAsync(() => Post($"referral:http-{i}"));
            response.EnsureSuccessStatusCode();
        }

        return new BenchResult(label, n, Stopwatch.GetElapsedTime(started).TotalSeconds, recorder.Summary(),
            new Dictionary<string, string> { ["mode"] = "sequential, one caller, bearer token, JSON both ways" });
    }

    private static int Option(string[] options, string name, int fallback)
    {
        var index = Array.IndexOf(options, name);
        return index >= 0 && index + 1 < options.Length && int.TryParse(options[index + 1], out var value) ? value : fallback;
    }
}
