using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Decisions;
using ReferralHub.Consent.Tests.Decisions;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;
using ReferralHub.Testing;

namespace ReferralHub.Consent.Tests.RealServers;

/// <summary>
/// The distributed setting: CheckConsent request/response over a real RabbitMQ broker, the registry on a real PostgreSQL
/// database, and one-off consumption raced on PostgreSQL (its own locking, not SQLite's single writer).
/// </summary>
[Collection(TestCollections.Servers)]
public sealed class RealServersTests(RabbitMqServer rabbit, PostgresServer postgres) : IAsyncLifetime
{
    private ConsentHub _hub = null!;

    public async Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var vhost = await rabbit.CreateVirtualHostAsync($"consent-{suffix}");
        _hub = new ConsentHub();
        _hub.Settings["ConnectionStrings:RabbitMq"] = vhost.ToString();
        _hub.Settings["ConnectionStrings:consent"] = postgres.ConnectionStringFor($"consent_{suffix}");
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task CheckConsent_is_answered_over_RabbitMQ_from_PostgreSQL()
    {
        var client = await _hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        var recorded = await client.RecordAsync(ConsentApi.Consent(caseCode, ["psychosocial-support"], _hub.Clock,
            withholds: [new { item = "child.name", reason = "fear-of-harm" }]));

        var permitted = await RequestAsync(new CheckConsent("agency-a", caseCode, "agency-b", "basic-psychosocial-support", "referral:1", true, "agency-a-system"));
        (await client.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).EnsureSuccessStatusCode();
        var withdrawn = await RequestAsync(new CheckConsent("agency-a", caseCode, "agency-b", "basic-psychosocial-support", "referral:2", true, "agency-a-system"));

        Assert.True(permitted.Permitted);
        Assert.Equal(recorded.GetProperty("consentId").GetGuid(), permitted.ConsentId);
        Assert.Equal(["child.name"], permitted.WithheldItems);
        Assert.False(withdrawn.Permitted);
        Assert.Equal(ConsentDenialReasons.Withdrawn, withdrawn.Reason);
    }

    [Fact]
    public async Task Concurrent_releases_over_RabbitMQ_permit_exactly_one_and_the_log_has_every_decision()
    {
        var client = await _hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], _hub.Clock, oneOff: true));
        await RequestAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:warm-up", false, "agency-a-system"));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            RequestAsync(new CheckConsent("agency-a", caseCode, "agency-b", "medical", $"referral:{i}", true, "agency-a-system"))));
        var log = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(client, $"/api/v1/consents/{caseCode}/decisions")).GetProperty("items").EnumerateArray().ToArray();

        Assert.Single(decisions, d => d.Permitted);
        Assert.All(decisions.Where(d => !d.Permitted), d => Assert.Equal(ConsentDenialReasons.Used, d.Reason));
        Assert.Equal(9, log.Length);
    }

    [Fact]
    public async Task Concurrent_releases_on_PostgreSQL_permit_exactly_one()
    {
        var client = await _hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], _hub.Clock, oneOff: true));

        var decisions = await ConcurrentReleases.RunAsync(_hub.Services, "agency-a", caseCode, 12);

        Assert.Equal("Postgres", DatabaseProviderName());
        Assert.Single(decisions, d => d.Permitted);
        Assert.All(decisions.Where(d => !d.Permitted), d => Assert.Equal(ConsentDenialReasons.Used, d.Reason));
    }

    [Fact]
    public async Task Copies_of_one_request_decided_at_once_on_PostgreSQL_all_get_the_one_logged_decision()
    {
        var (client, caseCode, request) = await _hub.OneOffReleaseAsync();
        var requestId = Guid.NewGuid();

        // A redelivery that overtakes the first delivery: the copies race, the first to commit is the answer of all.
        var copies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _hub.DecideAsync(request, requestId)));
        var log = await client.DecisionLogAsync(caseCode);

        Assert.Equal("Postgres", DatabaseProviderName());
        Assert.All(copies, copy => Assert.True(copy.Permitted));
        Assert.All(copies, copy => Assert.Equal(requestId, copy.DecisionId));
        Assert.Single(log);
    }

    private string DatabaseProviderName()
    {
        using var scope = _hub.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ReferralHub.Consent.Persistence.ConsentRegistryDbContext>() is ReferralHub.Consent.Persistence.PostgresConsentRegistryDbContext
            ? "Postgres" : "Sqlite";
    }

    /// <summary>A request through the bus; the first may wait while the bus connects (start-up does not wait for the broker).</summary>
    private async Task<ConsentDecision> RequestAsync(CheckConsent request)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = _hub.Services.CreateAsyncScope();
            var requests = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsent>>();
            try
            {
                var response = await requests.GetResponse<ConsentDecision>(request, timeout: RequestTimeout.After(s: 10));
                return response.Message;
            }
            catch (RequestTimeoutException) when (attempt < 5)
            {
                // Safe to ask again: the same release reference gets the same answer.
            }
        }
    }
}
