using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Persistence;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// Session rows of people who never sign out are deleted once past their absolute lifetime (12 hours by default) by
/// the portal's periodic sweep (here every 200 ms), and only those: a younger row, and the session of a person signed
/// in now, stay and keep working. On the hub's real portal database, with real sign-ins at the gateway.
/// </summary>
public sealed class SessionSweepTests(SessionSweepTests.SweepingHub hub) : IClassFixture<SessionSweepTests.SweepingHub>
{
    public sealed class SweepingHub : PortalHub
    {
        public SweepingHub() => Settings["Portal:Sessions:SweepInterval"] = "00:00:00.200";
    }

    [Fact]
    public async Task The_sweep_deletes_only_sessions_past_their_absolute_lifetime()
    {
        var current = await hub.EnsurePortalPersonAsync("sweep-current", "agency-b", [Roles.Provider]);
        var forgotten = await hub.EnsurePortalPersonAsync("sweep-forgotten", "agency-b", [Roles.Provider]);
        using var currentBrowser = await SignedInAsync(current);
        using var forgottenBrowser = await SignedInAsync(forgotten);

        var now = DateTime.UtcNow;
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            // The forgotten person signed in 13 hours ago and never signed out; two more rows just past and just within the lifetime.
            await db.Set<PortalSession>().Where(s => s.PersonId == forgotten).ExecuteUpdateAsync(u => u.SetProperty(s => s.StartedAt, now.AddHours(-13)));
            db.Set<PortalSession>().Add(new PortalSession { Id = "sweep-past-" + Guid.NewGuid().ToString("N"), PersonId = "sweep-nobody", StartedAt = now.AddHours(-12).AddMinutes(-1) });
            db.Set<PortalSession>().Add(new PortalSession { Id = "sweep-within-" + Guid.NewGuid().ToString("N"), PersonId = "sweep-nobody", StartedAt = now.AddHours(-11) });
            await db.SaveChangesAsync();
        }

        for (var attempt = 0; ; attempt++) // a hang guard (60 s), not a speed check
        {
            await using var scope = hub.Services.CreateAsyncScope();
            var left = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<PortalSession>().AsNoTracking()
                .Where(s => s.PersonId == forgotten || s.Id.StartsWith("sweep-past-")).CountAsync();
            if (left == 0) break;
            Assert.True(attempt < 300, "The sweep did not delete the expired sessions within 60 s.");
            await Task.Delay(200);
        }

        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var sessions = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<PortalSession>().AsNoTracking();
            Assert.Equal(1, await sessions.CountAsync(s => s.PersonId == current));
            Assert.Equal(1, await sessions.CountAsync(s => s.Id.StartsWith("sweep-within-")));
        }
        using (var page = await currentBrowser.GetAsync("/")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var page = await forgottenBrowser.GetAsync("/")) Assert.Equal(HttpStatusCode.Redirect, page.StatusCode); // sent to sign in again
    }

    private async Task<HttpClient> SignedInAsync(string personId)
    {
        var browser = PeopleSignIn.SocketBrowser(hub.BaseAddress);
        using var home = await PeopleSignIn.SignInToPortalAsync(browser, hub.BaseAddress, $"{personId}@people.test", PortalPeople.Password);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        return browser;
    }
}
