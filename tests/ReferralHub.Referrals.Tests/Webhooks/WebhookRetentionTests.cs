using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Referrals.Webhooks;
using ReferralHub.Testing;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>
/// The webhook delivery records stay bounded: the retention sweep deletes dead letters nobody re-sent 90 days after
/// they died and re-sent ones 30 days after the re-send, in batches, and nothing younger; the agency still sees its
/// recent dead letters. On SQLite and PostgreSQL (the batch is a LIMIT inside a DELETE, which each writes its own way).
/// </summary>
public static class WebhookRetentionChecks
{
    public const int Batch = 3;

    public static ModuleHost Host(Dictionary<string, string?>? settings = null)
    {
        var hub = new ModuleHost();
        // The test runs the sweep itself, at the moments it checks; the background one would race it.
        hub.Settings["Referrals:Webhooks:RetentionInterval"] = "01:00:00";
        hub.Settings["Referrals:Webhooks:RetentionBatch"] = Batch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings ?? []) hub.Settings[key] = value;
        return hub;
    }

    public static async Task OnlyDeadLettersPastTheirAgeGoInBatchesAsync(ModuleHost hub)
    {
        var admin = hub.ClientFor("agency-r", Roles.AgencyAdmin);
        var registered = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-r.example/hook" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var hook = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var now = hub.Clock.GetUtcNow().UtcDateTime;
        var sequence = 1_000L;
        WebhookDeadLetter Letter(double diedDaysAgo, double? resentDaysAgo = null) => new()
        {
            Id = Guid.NewGuid(), SubscriptionId = hook, ChangeSequence = ++sequence, Attempts = 8, LastError = "HTTP 503",
            DeadAt = now.AddDays(-diedDaysAgo), ResentAt = resentDaysAgo is { } r ? now.AddDays(-r) : null,
        };
        // Past their age: never re-sent and dead for more than 90 days; re-sent more than 30 days ago.
        var expired = new[] { Letter(91), Letter(92), Letter(93), Letter(95), Letter(400), Letter(100, resentDaysAgo: 31), Letter(100, resentDaysAgo: 45) };
        // Young enough: dead for less than 90 days; re-sent less than 30 days ago (even if it died long before).
        var kept = new[] { Letter(89), Letter(1), Letter(120, resentDaysAgo: 29), Letter(2, resentDaysAgo: 1) };
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
            db.WebhookDeadLetters.AddRange(expired);
            db.WebhookDeadLetters.AddRange(kept);
            await db.SaveChangesAsync();
        }

        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var sweep = scope.ServiceProvider.GetRequiredService<WebhookRetentionSweep>();
            // One statement deletes one batch, the oldest first.
            Assert.Equal(Batch, await sweep.DeleteBatchAsync(CancellationToken.None));
            Assert.DoesNotContain(await LetterIdsAsync(hub), id => id == expired[4].Id); // died 400 days ago
            // The sweep goes on batch after batch until nothing past its age is left, and stops there.
            Assert.Equal(expired.Length - Batch, await sweep.SweepAsync(CancellationToken.None));
            Assert.Equal(0, await sweep.SweepAsync(CancellationToken.None));
        }
        Assert.Equal(kept.Select(l => l.Id).Order(), (await LetterIdsAsync(hub)).Order());

        // The agency still sees its recent dead letters (and can re-send them); the count of those not re-sent is right.
        var listed = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/webhooks/{hook}/dead-letters")).GetProperty("items")
            .EnumerateArray().Select(i => i.GetProperty("changeSequence").GetInt64()).ToList();
        Assert.Equal(kept.Select(l => l.ChangeSequence).Order(), listed);
        var view = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/referrals/webhooks")).GetProperty("items").EnumerateArray()
            .Single(w => w.GetProperty("id").GetGuid() == hook);
        Assert.Equal(2, view.GetProperty("deadLetters").GetInt32());
    }

    private static async Task<List<Guid>> LetterIdsAsync(ModuleHost hub)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().WebhookDeadLetters.Select(d => d.Id).ToListAsync();
    }
}

public sealed class WebhookRetentionOnSqliteTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = WebhookRetentionChecks.Host();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public Task Only_dead_letters_past_their_age_are_deleted_in_batches() => WebhookRetentionChecks.OnlyDeadLettersPastTheirAgeGoInBatchesAsync(_hub);

    /// <summary>
    /// Through real deliveries: a receiver that is down leaves dead letters, listed and shown in the delivery log; 91
    /// days later the sweep deletes them, and the delivery log does not then call those changes delivered (it shows
    /// no change older than the dead letters are kept).
    /// </summary>
    [Fact]
    public async Task Real_dead_letters_go_after_90_days_and_the_delivery_log_never_calls_them_delivered()
    {
        var admin = _hub.ClientFor("agency-q", Roles.AgencyAdmin);
        var referrer = _hub.ClientFor("agency-q", Roles.Referrer);
        var hook = (await (await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = "https://agency-q.example/hook" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        _hub.Receiver.Down = true;
        _hub.World.Consents["CASE-RETAIN"] = new FakeConsent(true);
        var id = await SubmitOkAsync(referrer, NadiaReferral("CASE-RETAIN"));
        await WaitForStatusAsync(referrer, id, "offered");
        var letters = await WaitAsync(async () =>
        {
            var list = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/webhooks/{hook}/dead-letters")).GetProperty("items");
            return list.GetArrayLength() >= 2 ? list : null;
        }, "both changes (submitted, offered) dead-lettered");
        var dead = letters.EnumerateArray().Select(l => l.GetProperty("changeSequence").GetInt64()).ToList();
        var log = await DeliveriesAsync(admin, hook);
        Assert.All(dead, s => Assert.Equal("dead-lettered", log[s]));

        _hub.Receiver.Down = false;
        _hub.Clock.Advance(TimeSpan.FromDays(91));
        await using (var scope = _hub.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<WebhookRetentionSweep>().SweepAsync(CancellationToken.None) >= dead.Count);

        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/webhooks/{hook}/dead-letters")).GetProperty("items").EnumerateArray());
        log = await DeliveriesAsync(admin, hook);
        Assert.All(dead, s => Assert.False(log.ContainsKey(s), $"change {s} is past the dead letters' age; the log said {log.GetValueOrDefault(s)}"));
    }

    private static async Task<Dictionary<long, string>> DeliveriesAsync(HttpClient admin, Guid hook) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/webhooks/{hook}/deliveries?limit=200")).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("sequence").GetInt64(), i => i.GetProperty("state").GetString()!);
}

[Collection(TestCollections.Servers)]
public sealed class WebhookRetentionOnPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly ModuleHost _hub = WebhookRetentionChecks.Host(new()
    {
        ["ConnectionStrings:referrals"] = postgres.ConnectionStringFor($"referrals_retain_{Guid.NewGuid():N}"[..30]),
    });

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public Task Only_dead_letters_past_their_age_are_deleted_in_batches() => WebhookRetentionChecks.OnlyDeadLettersPastTheirAgeGoInBatchesAsync(_hub);
}
