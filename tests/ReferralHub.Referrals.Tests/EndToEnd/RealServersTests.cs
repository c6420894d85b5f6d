using System.Net;
using Npgsql;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.EndToEnd;

/// <summary>
/// The same end-to-end flows with the embedded host on a real RabbitMQ broker (quorum queues, publisher confirms) and
/// real PostgreSQL databases, one per service: the distributed mode's transport and storage.
/// </summary>
[Collection(TestCollections.Servers)]
public sealed class RealServersTests(RabbitMqServer rabbit, PostgresServer postgres) : IAsyncLifetime
{
    private static readonly string[] Services = ["gateway", "directory", "consent", "referrals", "transfers", "portal"];
    private EmbeddedHubFactory _hub = null!;
    private string _suffix = "";

    public async Task InitializeAsync()
    {
        _suffix = Guid.NewGuid().ToString("N")[..8];
        var vhost = await rabbit.CreateVirtualHostAsync($"referrals-{_suffix}");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = vhost.ToString() };
        foreach (var service in Services) settings[$"ConnectionStrings:{service}"] = postgres.ConnectionStringFor($"{service}_{_suffix}");
        _hub = new EmbeddedHubFactory { Settings = settings };
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task Nadia_consent_denial_cascade_and_a_concurrent_accept_work_over_RabbitMQ_and_PostgreSQL()
    {
        var referrer = await _hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var provider = await _hub.ClientForAsync("agency-b-system", "agency-b-secret");
        var flow = new HubFlow(referrer, provider);

        var nadia = await flow.NadiaAsync("PG-NADIA");
        await flow.ConsentForOtherServicesOnlyAsync("PG-OTHER");
        await flow.ConsentWithdrawalCascadesAsync("PG-CASCADE");

        // Two providers' focal points answer at once: PostgreSQL's concurrency token lets exactly one win.
        await flow.RecordConsentAsync("PG-RACE", ["mental-health"]);
        var id = await SubmitOkAsync(referrer, HubFlow.Referral("PG-RACE"));
        await WaitForStatusAsync(referrer, id, "offered");
        var second = await _hub.ClientForAsync("agency-b-system", "agency-b-secret");
        var answers = await Task.WhenAll(PostAsync(provider, id, "accept"), PostAsync(second, id, "decline", new { reason = "no-capacity" }));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);

        // The referral really is in PostgreSQL, and its personal data is not readable there.
        await using var connection = new NpgsqlConnection(postgres.ConnectionStringFor($"referrals_{_suffix}"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select \"PayloadProtected\" from referrals where \"Id\" = @id", connection);
        command.Parameters.AddWithValue("id", nadia);
        var stored = (string?)await command.ExecuteScalarAsync();
        Assert.NotNull(stored);
        Assert.DoesNotContain("Nadia", stored);
    }
}
