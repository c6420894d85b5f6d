using ReferralHub.Contracts.Directory;

namespace ReferralHub.Directory.Tests.Events;

public sealed class DirectoryEventTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    [Fact]
    public async Task Every_edit_publishes_one_snapshot_event_with_its_version_delivered_once() =>
        await EditEventScript.RunAndAssertAsync(hub);

    [Fact]
    public async Task Replay_all_republishes_every_entry_marked_replayed_and_only_operators_may_ask()
    {
        var ops = await hub.ClientForAsync(Demo.Ops);
        var maintainer = await hub.ClientForAsync(Demo.Pathways);
        await using var probe = await EventProbe.ConnectAsync(hub.Services);

        var refused = await maintainer.PostAsync("/api/v1/directory/replay", null);
        var result = await (await ops.PostAsync("/api/v1/directory/replay", null)).JsonAsync();
        var services = result.GetProperty("services").GetInt32();
        var pathways = result.GetProperty("pathways").GetInt32();
        await probe.SettleAsync(p => p.Of<ServiceChanged>().Count(e => e.Replayed) + p.Of<ServiceRetired>().Count(e => e.Replayed) >= services
                                     && p.Of<PathwayChanged>().Count(e => e.Replayed) >= pathways);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True(services >= 30);
        Assert.Equal(services, probe.Of<ServiceChanged>().Count(e => e.Replayed) + probe.Of<ServiceRetired>().Count(e => e.Replayed));
        Assert.Equal(result.GetProperty("areas").GetInt32(), probe.Of<AreaChanged>().Count(e => e.Replayed));
        Assert.Equal(8, probe.Of<OrganisationChanged>().Count(e => e.Replayed));
        Assert.Contains(probe.Of<ServiceChanged>(), e => e.Service.Id == Demo.AgencyBMhpss && e.Service.FocalPoints.Count > 0);
    }
}
