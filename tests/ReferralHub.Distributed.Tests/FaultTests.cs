using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// The short fault run (the long one is the same test with <c>REFERRALHUB_FAULT_REFERRALS=1000</c>, docs/reliability.md): referrals driven through
/// their whole life while one replica of each service is killed with SIGKILL in turn, RabbitMQ is restarted and
/// PostgreSQL is restarted. Every referral must end completed, with exactly one release and each status change once
/// in the referrer's change feed — nothing lost, nothing repeated.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class FaultTests(DistributedHub hub, ITestOutputHelper output)
{
    /// <summary>24 in the default suite; <c>REFERRALHUB_FAULT_REFERRALS</c> sets more for the long run.</summary>
    private static readonly int Referrals = int.TryParse(Environment.GetEnvironmentVariable("REFERRALHUB_FAULT_REFERRALS"), out var n) && n > 0 ? n : 24;
    /// <summary>The stream spans about ten seconds in the short run (the faults fall inside it), 10/s in the long one.</summary>
    private static int Spacing => Referrals <= 24 ? 400 : 100;

    private static readonly string[] Life = ["submitted", "offered", "accepted", "in-service", "completed"];

    [Fact]
    public async Task Killing_replicas_and_restarting_the_broker_and_the_database_lose_and_repeat_nothing()
    {
        var agencies = new Agencies(
            await hub.ClientAsync("agency-a-system", "agency-a-secret"),
            await hub.ClientAsync("agency-b-system", "agency-b-secret"),
            await hub.ClientAsync("agency-d-system", "agency-d-secret"));
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();

        async Task LifeAsync(int n)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Spacing * n)); // a steady stream, not one burst
            var caseCode = Agencies.NewCase("XP-FAULT");
            await agencies.RecordConsentAsync(caseCode, "mental-health");
            var id = await agencies.SubmitAsync(Agencies.Referral(caseCode));
            ids.Add(id);
            await Agencies.WaitForAsync(agencies.Referrer, $"/api/v1/referrals/{id}", "offered");
            (await agencies.AnswerAsync(id, "accept", "accepted")).Dispose();
            (await agencies.AnswerAsync(id, "start", "in-service", new { startedOn = "2026-11-30" })).Dispose();
            (await agencies.AnswerAsync(id, "complete", "completed", Agencies.CompleteForm)).Dispose();
        }

        var load = Task.WhenAll(Enumerable.Range(0, Referrals).Select(LifeAsync));

        var faults = new List<string>();
        foreach (var service in (string[])["referrals", "consent", "directory", "transfers"])
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (instance, pid) = hub.Replicas(service)[0];
            DistributedHub.Kill9(pid);
            faults.Add($"kill -9 {instance}");
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        await hub.RestartRabbitMqAsync();
        faults.Add("RabbitMQ restarted");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await hub.RestartPostgresAsync();
        faults.Add("PostgreSQL restarted");

        await load;
        await hub.WaitForHubAsync(); // every killed replica back

        var feed = await ChangesAsync(agencies.Referrer);
        var lost = 0;
        var repeated = 0;
        foreach (var id in ids)
        {
            var referral = await Agencies.GetAsync(agencies.Referrer, $"/api/v1/referrals/{id}");
            Assert.Equal("completed", referral.GetProperty("status").GetString());
            Assert.Single(referral.GetProperty("releases").EnumerateArray());
            var statuses = feed.Where(c => c.Referral == id).Select(c => c.Status).ToList();
            lost += Life.Count(s => !statuses.Contains(s));
            repeated += statuses.Count - statuses.Distinct().Count();
            Assert.Equal(Life, statuses);
        }

        output.WriteLine($"{ids.Count} referrals, faults: {string.Join(", ", faults)}; status changes lost {lost}, repeated {repeated}");
        Assert.Equal(Referrals, ids.Count);
    }

    private static async Task<List<(Guid Referral, string Status)>> ChangesAsync(HttpClient referrer)
    {
        var changes = new List<(Guid, string)>();
        var after = "0";
        while (true)
        {
            var page = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/changes?after={after}");
            var items = page.GetProperty("items").EnumerateArray().ToList();
            changes.AddRange(items.Where(i => i.GetProperty("referralId").ValueKind == JsonValueKind.String)
                .Select(i => (i.GetProperty("referralId").GetGuid(), i.GetProperty("status").GetString()!)));
            if (items.Count == 0 || page.GetProperty("nextCursor").ValueKind != JsonValueKind.String) return changes;
            var next = page.GetProperty("nextCursor").GetString()!;
            if (next == after) return changes;
            after = next;
        }
    }
}
