using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using netDumbster.smtp;
using ReferralHub.Contracts.Gateway;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.Accounts;

/// <summary>
/// An agency admin's change to a person at the gateway reaches the portal at once (PersonAccountChanged through the
/// gateway's outbox, on the embedded hub's bus): a disabled provider focal point gets no further notice e-mail (a real
/// SMTP server, netDumbster) and their signed-in cookie opens nothing; enabled again, they get notices again; a provider
/// whose provider role was removed gets no offer notice; an older copy of a change arriving after a newer one changes
/// nothing.
/// </summary>
public sealed class AccountChangesTests : IAsyncLifetime
{
    private readonly int _smtpPort = FreePort.Find();
    private readonly SimpleSmtpServer _smtp;
    private PortalHub _hub = null!;

    public AccountChangesTests() => _smtp = SimpleSmtpServer.Start(_smtpPort);

    public async Task InitializeAsync()
    {
        _hub = new PortalHub();
        _hub.Settings["Notifications:Smtp:Host"] = "127.0.0.1";
        _hub.Settings["Notifications:Smtp:Port"] = _smtpPort.ToString();
        _hub.Settings["Notifications:Smtp:Security"] = "none";
        _hub.Settings["Notifications:SweepInterval"] = "00:00:00.200";
        _hub.Settings["Notifications:PortalBaseUrl"] = "https://hub.example.org";
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _smtp.Dispose();
    }

    [Fact]
    public async Task A_person_disabled_at_the_gateway_gets_no_notice_and_their_session_ends_at_once_and_enabled_gets_notices_again()
    {
        // Agency B's demo provider (signed in once) is the witness: once their offer notice is queued, the colleague's
        // would have been queued in the same transaction.
        await SignInOnceAsync("provider@agency-b.demo", DemoPeople.Password);
        var colleague = await _hub.EnsurePortalPersonAsync("ac-colleague-b", "agency-b", [Roles.Provider]);
        var colleagueEmail = $"{colleague}@people.test";
        using var browser = PeopleSignIn.SocketBrowser(_hub.BaseAddress);
        using (var home = await PeopleSignIn.SignInToPortalAsync(browser, _hub.BaseAddress, colleagueEmail, PortalPeople.Password))
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(1, await SessionsOfAsync(colleague));
        using var admin = await AdminOfAgencyBAsync();

        var disabled = await admin.PostAsync($"/api/v1/agency/users/{colleague}/disable", null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        // The gateway queued the event with the change (its outbox): ids and codes, no e-mail address or name.
        await using (var scope = _hub.Services.CreateAsyncScope())
        {
            var bodies = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().OutboxMessages.AsNoTracking()
                .Where(m => m.AggregateId == $"person-{colleague}").Select(m => m.Body).ToListAsync();
            var body = Assert.Single(bodies);
            Assert.Contains("\"active\":false", body);
            Assert.DoesNotContain("@people.test", body);
        }
        await WaitAsync(async db => await db.Set<PortalPerson>().AnyAsync(p => p.Id == colleague && !p.Active));

        // Their session ended with it: the cookie they still hold opens nothing (sent to sign in again).
        Assert.Equal(0, await SessionsOfAsync(colleague));
        using (var again = await browser.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
            Assert.Contains("/connect/authorize", again.Headers.Location!.OriginalString);
        }

        // An offer to agency B: the demo provider is told, the disabled colleague is not.
        var first = await HubData.SendReferralAsync(_hub, $"ACD-{Guid.NewGuid():N}"[..16]);
        Assert.Equal(["provider@agency-b.demo"], await OfferRecipientsAsync(first, expected: 1));

        // Enabled again: the next offer reaches them (the portal still has where to send it).
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/agency/users/{colleague}/enable", null)).StatusCode);
        await WaitAsync(async db => await db.Set<PortalPerson>().AnyAsync(p => p.Id == colleague && p.Active));
        var second = await HubData.SendReferralAsync(_hub, $"ACE-{Guid.NewGuid():N}"[..16]);
        Assert.Equal([colleagueEmail, "provider@agency-b.demo"], await OfferRecipientsAsync(second, expected: 2));
        Assert.DoesNotContain(_smtp.ReceivedEmail, m => m.MessageParts[0].BodyData.Contains(first.ToString()) && m.ToAddresses.Any(a => a.Address == colleagueEmail));
    }

    [Fact]
    public async Task A_provider_whose_provider_role_was_removed_gets_no_offer_notice_and_an_older_change_arriving_late_changes_nothing()
    {
        await SignInOnceAsync("provider@agency-b.demo", DemoPeople.Password);
        var colleague = await _hub.EnsurePortalPersonAsync("ac-roles-b", "agency-b", [Roles.Provider]);
        await SignInOnceAsync($"{colleague}@people.test", PortalPeople.Password);
        using var admin = await AdminOfAgencyBAsync();

        // Two changes: provider and referrer (change 1), then referrer only (change 2).
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/agency/users/{colleague}/roles", new { roles = new[] { "provider", "referrer" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/agency/users/{colleague}/roles", new { roles = new[] { "referrer" } })).StatusCode);
        await WaitAsync(async db => await db.Set<PortalPerson>().AnyAsync(p => p.Id == colleague && p.AccountVersion == 2));
        Assert.Equal(Roles.Referrer, await RolesOfAsync(colleague));
        Assert.Equal(0, await SessionsOfAsync(colleague)); // signed in with the old roles: that session ended

        // Change 1 delivered again after change 2 (a redelivery, a slow replica): the portal keeps change 2.
        var late = NewId.NextGuid();
        await _hub.Services.GetRequiredService<IBus>().Publish(
            new PersonAccountChanged(colleague, "agency-b", true, [Roles.Provider, Roles.Referrer], [], 1, DateTime.UtcNow.AddMinutes(-1)),
            context => context.MessageId = late);
        await WaitAsync(async db => await db.InboxMessages.AnyAsync(m => m.MessageId == late && m.Consumer == typeof(PersonAccountChangedConsumer).FullName));
        Assert.Equal(Roles.Referrer, await RolesOfAsync(colleague));

        // An offer to agency B: only the demo provider is told.
        var referral = await HubData.SendReferralAsync(_hub, $"ACR-{Guid.NewGuid():N}"[..16]);
        Assert.Equal(["provider@agency-b.demo"], await OfferRecipientsAsync(referral, expected: 1));
    }

    /// <summary>Agency B's admin, signed in at the gateway as the portal does; calls the agency API with their token.</summary>
    private async Task<HttpClient> AdminOfAgencyBAsync()
    {
        var admin = await _hub.EnsurePortalPersonAsync("ac-admin-of-agency-b", "agency-b", [Roles.AgencyAdmin]);
        using var gateway = PeopleSignIn.SocketBrowser(_hub.BaseAddress);
        var tokens = await _hub.SignInAsync(gateway, $"{admin}@people.test", PortalPeople.Password);
        var client = _hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return client;
    }

    private async Task SignInOnceAsync(string email, string password)
    {
        using var http = PeopleSignIn.SocketBrowser(_hub.BaseAddress);
        using var home = await PeopleSignIn.SignInToPortalAsync(http, _hub.BaseAddress, email, password);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    /// <summary>
    /// Waits (bounded) until <paramref name="expected"/> offer notices for the referral were handed to the SMTP server,
    /// then answers who received one (sorted). Every recipient's notice is queued in one transaction, so a missing one
    /// would not come later.
    /// </summary>
    private async Task<List<string>> OfferRecipientsAsync(Guid referralId, int expected)
    {
        var key = $"offer:{referralId}";
        await WaitAsync(async db =>
        {
            var rows = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.DedupKey.StartsWith(key)).ToListAsync();
            return rows.Count >= expected && rows.All(r => r.State == DeliveryStates.Sent);
        });
        await using (var scope = _hub.Services.CreateAsyncScope())
            Assert.Equal(expected, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<NotificationDelivery>().CountAsync(d => d.DedupKey.StartsWith(key)));
        return [.. _smtp.ReceivedEmail.Where(m => m.MessageParts[0].BodyData.Contains(referralId.ToString()))
            .SelectMany(m => m.ToAddresses.Select(a => a.Address)).Order(StringComparer.Ordinal)];
    }

    private async Task<int> SessionsOfAsync(string personId)
    {
        await using var scope = _hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<PortalSession>().CountAsync(s => s.PersonId == personId);
    }

    private async Task<string> RolesOfAsync(string personId)
    {
        await using var scope = _hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Set<PortalPerson>().Where(p => p.Id == personId).Select(p => p.Roles).SingleAsync();
    }

    private async Task WaitAsync(Func<PortalDbContext, Task<bool>> done)
    {
        for (var attempt = 0; attempt < 300; attempt++) // a hang guard (60 s), not a speed check
        {
            await using var scope = _hub.Services.CreateAsyncScope();
            if (await done(scope.ServiceProvider.GetRequiredService<PortalDbContext>())) return;
            await Task.Delay(200);
        }
        Assert.Fail("The portal did not reach the expected state within 60 s.");
    }
}
