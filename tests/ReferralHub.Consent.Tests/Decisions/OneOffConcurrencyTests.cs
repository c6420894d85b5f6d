using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Decisions;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>Two (or more) concurrent releases of a one-off consent: exactly one is permitted (SQLite, the embedded default).</summary>
public sealed class OneOffConcurrencyTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Concurrent_releases_over_http_permit_exactly_one()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => client.CheckAsync(caseCode, "agency-b", "medical", $"referral:{i}"))));

        Assert.Single(decisions, d => d.Permitted);
        Assert.All(decisions.Where(d => !d.Permitted), d => Assert.Equal(ConsentDenialReasons.Used, d.Reason));
    }

    [Fact]
    public async Task Concurrent_releases_through_the_decider_permit_exactly_one()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true));

        var decisions = await ConcurrentReleases.RunAsync(hub.Services, "agency-a", caseCode, 8);

        Assert.Single(decisions, d => d.Permitted);
        Assert.All(decisions.Where(d => !d.Permitted), d => Assert.Equal(ConsentDenialReasons.Used, d.Reason));
    }

    [Fact]
    public async Task A_redelivered_request_is_answered_from_the_log_without_a_second_entry()
    {
        var (client, caseCode, request) = await hub.OneOffReleaseAsync();
        var requestId = Guid.NewGuid();

        var first = await hub.DecideAsync(request, requestId);
        var redelivered = await hub.DecideAsync(request, requestId);
        var log = await client.DecisionLogAsync(caseCode);

        Assert.True(first.Permitted);
        Assert.Equal(first.DecisionId, redelivered.DecisionId);
        Assert.True(redelivered.Permitted);
        Assert.Single(log);
    }
}

/// <summary>Releases started together, each in its own scope (own DbContext, own connection), so they race in the database.</summary>
public static class ConcurrentReleases
{
    public static async Task<ConsentDecision[]> RunAsync(IServiceProvider services, string agency, string caseCode, int count)
    {
        using var start = new Barrier(count);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var decider = scope.ServiceProvider.GetRequiredService<ConsentDecider>();
            var request = new CheckConsent(agency, caseCode, "agency-b", "medical", $"referral:race-{i}", Consume: true, "agency-a-system");
            start.SignalAndWait();
            return await decider.DecideAsync(request, Guid.NewGuid(), ConsentDecider.ChannelBus, CancellationToken.None);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
        return await Task.WhenAll(tasks);
    }
}
