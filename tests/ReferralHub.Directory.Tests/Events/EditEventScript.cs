using System.Net.Http.Json;
using ReferralHub.Contracts.Directory;

namespace ReferralHub.Directory.Tests.Events;

/// <summary>The same five edits of one service, checked on the in-memory bus and on RabbitMQ + PostgreSQL.</summary>
internal static class EditEventScript
{
    public static async Task RunAndAssertAsync(DirectoryHubFactory hub)
    {
        var maintainer = await hub.ClientForAsync(Demo.Pathways);
        var admin = await hub.ClientForAsync(DirectoryHubFactory.AgencyBAdmin);
        await using var probe = await EventProbe.ConnectAsync(hub.Services);

        var created = await (await maintainer.PostAsJsonAsync("/api/v1/directory/services", new
        {
            organisationId = Demo.AgencyBOrganisation, serviceType = "documentation", name = "Event test desk", areaCodes = new[] { Demo.Camp1 },
        })).JsonAsync();
        var id = created.GetProperty("id").GetGuid();
        (await maintainer.PutAsJsonAsync($"/api/v1/directory/services/{id}", new
        {
            organisationId = Demo.AgencyBOrganisation, serviceType = "documentation", name = "Event test desk (renamed)", areaCodes = new[] { Demo.Camp1 }, version = 1,
        })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/v1/directory/services/{id}", new
        {
            organisationId = Demo.AgencyBOrganisation, serviceType = "documentation", name = "Event test desk (renamed)", areaCodes = new[] { Demo.Camp1 },
            accepting = false, notAcceptingReason = "Staff away", version = 2,
        })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/directory/services/{id}/review", new { version = 3 })).EnsureSuccessStatusCode();
        (await maintainer.PostAsJsonAsync($"/api/v1/directory/services/{id}/retire", new { version = 4 })).EnsureSuccessStatusCode();
        // A refused edit publishes nothing.
        await maintainer.PostAsJsonAsync($"/api/v1/directory/services/{id}/retire", new { version = 4 });

        await probe.SettleAsync(p => p.Of<ServiceRetired>().Any(e => e.Service.Id == id));

        var snapshots = probe.Of<ServiceChanged>().Select(e => e.Service).Concat(probe.Of<ServiceRetired>().Select(e => e.Service)).Where(s => s.Id == id).ToList();
        Assert.Equal([1L, 2, 3, 4, 5], snapshots.Select(s => s.Version).Order());
        Assert.Equal("Event test desk (renamed)", snapshots.Single(s => s.Version == 2).Name);
        Assert.False(snapshots.Single(s => s.Version == 3).Accepting.Accepting);
        Assert.True(snapshots.Single(s => s.Version == 5).Retired);
        Assert.Equal("agency-b", snapshots[0].OrganisationCode);
        var accepting = Assert.Single(probe.Of<ServiceAcceptingChanged>(), e => e.ServiceId == id);
        Assert.Equal(3, accepting.Version);
        // Delivered once: no message id twice.
        Assert.Equal(probe.Received.Count, probe.Received.Select(r => r.MessageId).Distinct().Count());
    }
}
