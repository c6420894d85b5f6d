using System.Net;
using System.Net.Http.Json;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using ReferralHub.Testing;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>
/// The per-agency webhook limit holds when registrations arrive at the same moment: the count and the insert are one
/// serializable step, on SQLite (the embedded default) and on PostgreSQL (distributed).
/// </summary>
public static class WebhookLimitRace
{
    public static async Task ExactlyTheLimitPassesAsync(ModuleHost hub)
    {
        var admin = hub.ClientFor("agency-race", Roles.AgencyAdmin);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(n =>
            admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = $"https://203.0.113.10/race-{n}" })));

        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(6, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }

    public static ModuleHost Host(Dictionary<string, string?>? settings = null)
    {
        var hub = new ModuleHost();
        hub.Settings["Referrals:Webhooks:MaxPerAgency"] = "2";
        foreach (var (key, value) in settings ?? []) hub.Settings[key] = value;
        return hub;
    }
}

public sealed class WebhookLimitRaceOnSqliteTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = WebhookLimitRace.Host();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public Task Eight_registrations_at_once_with_a_limit_of_two_give_two_webhooks_and_six_409s() => WebhookLimitRace.ExactlyTheLimitPassesAsync(_hub);
}

[Collection(TestCollections.Servers)]
public sealed class WebhookLimitRaceOnPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly ModuleHost _hub = WebhookLimitRace.Host(new()
    {
        ["ConnectionStrings:referrals"] = postgres.ConnectionStringFor($"referrals_race_{Guid.NewGuid():N}"[..30]),
    });

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public Task Eight_registrations_at_once_with_a_limit_of_two_give_two_webhooks_and_six_409s() => WebhookLimitRace.ExactlyTheLimitPassesAsync(_hub);
}
