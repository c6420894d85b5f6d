using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Tests.Support;

namespace ReferralHub.Referrals.Tests.Webhooks;

/// <summary>
/// An admin stops a webhook while its callbacks are going out: the delivery loop saves the webhook's row (with a new
/// version) after every callback, and the stop must still answer 204 and stick — never a 500 because a delivery saved
/// between the stop's read and its write (seen as a 500 from the FHIR facade's Subscription delete).
/// </summary>
public sealed class WebhookStopRaceTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task Stopping_webhooks_while_deliveries_save_them_answers_204_and_each_stays_stopped()
    {
        var admin = _hub.ClientFor("agency-stop", Roles.AgencyAdmin);
        var ids = new List<Guid>();
        for (var n = 0; n < 8; n++)
        {
            var created = await admin.PostAsJsonAsync("/api/v1/referrals/webhooks", new { url = $"https://203.0.113.10/stop-{n}" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await created.Content.ReadFromJsonAsync<Registered>())!.Id);
        }

        // What the delivery loop does after each callback, as fast as it can, on every webhook of the agency.
        using var stop = new CancellationTokenSource();
        var deliveries = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var scope = _hub.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
                await db.WebhookSubscriptions.Where(s => s.AgencyCode == "agency-stop")
                    .ExecuteUpdateAsync(set => set.SetProperty(s => s.Version, s => s.Version + 1).SetProperty(s => s.LastError, (string?)null));
            }
        });

        var answers = new List<HttpStatusCode>();
        foreach (var id in ids) answers.Add((await admin.DeleteAsync($"/api/v1/referrals/webhooks/{id}")).StatusCode);
        await stop.CancelAsync();
        await deliveries;

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.NoContent, status));
        await using var check = _hub.Services.CreateAsyncScope();
        var stored = await check.ServiceProvider.GetRequiredService<ReferralsDbContext>().WebhookSubscriptions.AsNoTracking()
            .Where(s => s.AgencyCode == "agency-stop").ToListAsync();
        Assert.Equal(8, stored.Count);
        Assert.All(stored, s => Assert.False(s.Active));
        // Stopping again, or another agency stopping it, is "not found" in words, not a server error.
        Assert.Equal(HttpStatusCode.NotFound, (await _hub.ClientFor("agency-other", Roles.AgencyAdmin).DeleteAsync($"/api/v1/referrals/webhooks/{ids[0]}")).StatusCode);
    }

    private sealed record Registered(Guid Id);
}
