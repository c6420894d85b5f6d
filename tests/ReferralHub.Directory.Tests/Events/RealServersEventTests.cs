using System.Net.Http.Json;
using ReferralHub.Testing;

namespace ReferralHub.Directory.Tests.Events;

/// <summary>The directory on PostgreSQL and RabbitMQ (quorum queues), as in distributed mode.</summary>
[Collection(TestCollections.Servers)]
public sealed class RealServersEventTests(RabbitMqServer rabbit, PostgresServer postgres)
{
    [Fact]
    public async Task On_PostgreSQL_and_RabbitMQ_every_edit_publishes_one_event_delivered_once_and_pathways_resolve()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var vhost = await rabbit.CreateVirtualHostAsync($"directory-{run}");
        await using var hub = new DirectoryHubFactory();
        hub.Settings["ConnectionStrings:RabbitMq"] = vhost.ToString();
        hub.Settings["ConnectionStrings:Postgres"] = postgres.ConnectionString;
        hub.Settings["ConnectionStrings:directory"] = postgres.ConnectionStringFor($"directory_{run}");

        await EditEventScript.RunAndAssertAsync(hub);

        var client = await hub.ClientForAsync(Demo.AgencyA);
        var pathway = await client.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1BlockA}&serviceType=specialised-mhpss");
        Assert.Equal(Demo.AgencyBMhpss.ToString(), pathway.GetProperty("services")[0].GetProperty("id").GetString());
        var history = await client.GetItemsAsync($"/api/v1/directory/pathways/{Demo.MhpssPathway}/history");
        Assert.Equal("demo-seed", history[0].GetProperty("by").GetString());
        var hsds = await client.GetJsonAsync("/hsds/services?per_page=5");
        Assert.True(hsds.GetProperty("total_items").GetInt32() >= 30);
    }
}
