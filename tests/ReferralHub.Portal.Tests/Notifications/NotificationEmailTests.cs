using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using netDumbster.smtp;
using ReferralHub.Hosting.Auth;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;
using ReferralHub.Testing;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.Notifications;

/// <summary>
/// Notices by e-mail through a real SMTP server (netDumbster, started here): an offer reaches each provider focal point
/// who chose offer notices exactly once, the reminder before the deadline and the escalation after it go once each
/// (the hub's clock is moved), and no message holds the child's name, the case code or the referral's narrative.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NotificationEmailTests : IAsyncLifetime
{
    private const string BaseUrl = "https://hub.example.org";
    private readonly Browser browser;
    private readonly int _smtpPort = FreePort.Find();
    private SimpleSmtpServer _smtp;

    public NotificationEmailTests(Browser browser)
    {
        this.browser = browser;
        _smtp = SimpleSmtpServer.Start(_smtpPort);
    }
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private PortalHub _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = new PortalHub { ConfigureTestServices = services => services.AddSingleton<TimeProvider>(_clock) };
        _hub.Settings["Notifications:Smtp:Host"] = "127.0.0.1";
        _hub.Settings["Notifications:Smtp:Port"] = _smtpPort.ToString();
        _hub.Settings["Notifications:Smtp:Security"] = "none";
        _hub.Settings["Notifications:SweepInterval"] = "00:00:00.200";
        _hub.Settings["Notifications:PortalBaseUrl"] = BaseUrl;
        _hub.Settings["Notifications:MaxAttempts"] = "3";
        _hub.Settings["Portal:TimeZone"] = "Asia/Dhaka";
        _hub.Settings["Referrals:SweepInterval"] = "00:00:00.300";
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _smtp.Dispose();
    }

    [Fact]
    public async Task An_offer_reminder_and_escalation_go_once_each_to_the_people_who_chose_them_without_personal_data()
    {
        // Agency B's provider focal points: the demo one and a colleague (both with the defaults: every notice), one who
        // chose escalations only, and one invited who never set a password (never signed in: nothing). The portal knows
        // people from their sign-in at the gateway (its profile of them), so the demo people sign in once first.
        await SignInOnceAsync("provider@agency-b.demo", "focalpoint@district.demo");
        await AddProviderAsync("colleague@agency-b.demo", withPassword: true, kinds: null);
        await AddProviderAsync("escalations-only@agency-b.demo", withPassword: true, kinds: NoticeKinds.Escalation);
        await AddProviderAsync("invited@agency-b.demo", withPassword: false, kinds: null);

        var caseCode = $"NTF-{Guid.NewGuid():N}"[..16];
        var id = await HubData.SendReferralAsync(_hub, caseCode);

        // 1. The offer: one e-mail to each provider who chose offer notices.
        var offers = await SentAsync(id, "offer:", expected: 2);
        Assert.Equal(["colleague@agency-b.demo", "provider@agency-b.demo"], Recipients(offers));
        var offer = offers[0];
        Assert.Contains("Specialised MHPSS", offer.Subject, StringComparison.OrdinalIgnoreCase);
        var body = offer.MessageParts[0].BodyData;
        Assert.Contains("High priority", body);
        Assert.Contains("UTC", body);
        Assert.Contains("(Dhaka)", body); // the hub's local time, named by its place, beside UTC
        Assert.Contains($"{BaseUrl}/referrals/{id}", body);

        // The link works on a phone with JavaScript off: sign in, land on the referral.
        await using (var context = await browser.PhoneAsync(_hub.BaseAddress))
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/referrals/{id}");
            await page.GetByLabel("E-mail").FillAsync("provider@agency-b.demo");
            await page.GetByLabel("Password").FillAsync(ReferralHub.Gateway.Accounts.DemoPeople.Password);
            await page.SubmitAsync("Sign in");
            Assert.EndsWith($"/referrals/{id}", page.Url);
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Accept" })).ToBeVisibleAsync();
            await LocalTimes.AssertOnAsync(page, "Dhaka"); // the deadline as the e-mail gave it: Dhaka time beside UTC
        }

        // 2. Six hours before the 24-hour deadline, still unanswered: one reminder each.
        _clock.Advance(TimeSpan.FromHours(18) + TimeSpan.FromMinutes(1));
        var reminders = await SentAsync(id, "reminder:", expected: 2);
        Assert.Equal(["colleague@agency-b.demo", "provider@agency-b.demo"], Recipients(reminders));
        Assert.Contains("reminder", reminders[0].Subject, StringComparison.OrdinalIgnoreCase);

        // 3. The deadline passes: the referral is escalated; the district's child protection focal point (the camp is in
        //    the district) and every provider focal point who chose escalations are told.
        _clock.Advance(TimeSpan.FromHours(6));
        var escalations = await SentAsync(id, "escalation:", expected: 4);
        Assert.Equal(["colleague@agency-b.demo", "escalations-only@agency-b.demo", "focalpoint@district.demo", "provider@agency-b.demo"],
            Recipients(escalations));
        Assert.Contains("escalated", escalations[0].Subject, StringComparison.OrdinalIgnoreCase);

        // Later sweeps send nothing more for this referral: let time pass, then wait for a second referral's offer,
        // which the same sweeps sent after many more runs.
        _clock.Advance(TimeSpan.FromHours(2));
        var second = await HubData.SendReferralAsync(_hub, $"NTF-{Guid.NewGuid():N}"[..16]);
        await SentAsync(second, "offer:", expected: 2);
        var aboutFirst = _smtp.ReceivedEmail.Where(m => m.MessageParts[0].BodyData.Contains(id.ToString())).ToList();
        Assert.Equal(2 + 2 + 3, aboutFirst.Count); // the focal point's link is the portal's home page: it has no referral page
        Assert.Equal(2 + 2 + 4 + 2, _smtp.ReceivedEmailCount);

        // Nothing personal in any header or body of any message sent.
        Assert.NotEmpty(_smtp.ReceivedEmail);
        foreach (var message in _smtp.ReceivedEmail)
        {
            foreach (var secret in new[] { "Nadia", "Salih", caseCode, "NTF-", "fall asleep", "Nightmares", "nightmares", "hometown", "feelings" })
                Assert.DoesNotContain(secret, message.Data);
        }
    }

    [Fact]
    public async Task A_transfer_capacity_request_reaches_the_receiving_agency_without_its_case_code()
    {
        await SignInOnceAsync("casework@agency-d.demo");
        var caseCode = $"NTT-{Guid.NewGuid():N}"[..16];
        var id = await WorkflowData.RequestTransferAsync(_hub, caseCode);

        await WaitAsync(async db =>
        {
            var rows = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.DedupKey.StartsWith($"transfer:{id}:capacity-requested")).ToListAsync();
            return rows.Count == 1 && rows[0].State == DeliveryStates.Sent;
        });
        var mail = Assert.Single(_smtp.ReceivedEmail);
        Assert.Equal("casework@agency-d.demo", mail.ToAddresses.Single().Address);
        Assert.Contains("case transfer", mail.Subject, StringComparison.OrdinalIgnoreCase);
        var body = mail.MessageParts[0].BodyData;
        Assert.Contains($"{BaseUrl}/transfers/{id}", body);
        Assert.Contains("Case transfer", body);
        Assert.Contains("Urgency: high", body);
        Assert.DoesNotContain("24 hours", body); // a transfer's urgency, not a referral's priority
        foreach (var secret in new[] { caseCode, "NTT-", "Nadia", "neglect", "10-14", "demo-district" })
            Assert.DoesNotContain(secret, mail.Data);
    }

    [Fact]
    public async Task The_agency_admin_sees_a_notice_that_could_not_be_delivered_and_sends_it_again()
    {
        // The SMTP server is down: the notice is retried, then shown to agency A's admin as not delivered.
        _smtp.Stop();
        await SignInOnceAsync("supervisor@agency-a.demo");
        await using (var scope = _hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
            var supervisor = await users.FindByEmailAsync("supervisor@agency-a.demo");
            db.Set<NotificationDelivery>().Add(new NotificationDelivery
            {
                Id = Guid.NewGuid(), DedupKey = $"test:{Guid.NewGuid()}", UserId = supervisor!.Id, AgencyCode = "agency-a", Kind = NoticeKinds.Approval,
                Channel = "", State = DeliveryStates.Pending, CreatedAt = _clock.GetUtcNow().UtcDateTime, NextAttemptAt = _clock.GetUtcNow().UtcDateTime,
                FactsJson = """[{"kind":"approval","item":"transfer","itemId":"00000000-0000-0000-0000-000000000001","serviceType":"case-transfer","priority":"high","deadlineAt":null,"linkPath":"/supervisor"}]""",
            });
            await db.SaveChangesAsync();
        }
        await WaitAsync(async db => await db.Set<NotificationDelivery>().AnyAsync(d => d.Kind == NoticeKinds.Approval && d.Attempts >= 1));
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            _clock.Advance(TimeSpan.FromHours(2)); // past the back-off
            var expected = attempt;
            await WaitAsync(async db => await db.Set<NotificationDelivery>().AnyAsync(d => d.Kind == NoticeKinds.Approval && d.Attempts >= expected));
        }
        await WaitAsync(async db => await db.Set<NotificationDelivery>().AnyAsync(d => d.Kind == NoticeKinds.Approval && d.State == DeliveryStates.Failed));

        await using var context = await browser.PhoneAsync(_hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("admin@agency-a.demo");
        await page.GotoAsync("/agency/notices");
        var row = page.Locator("#notices tbody tr").Filter(new() { HasText = "supervisor@agency-a.demo" });
        Assert.Contains("Not delivered after every retry", await row.InnerTextAsync());
        Assert.Contains("SocketException", await row.InnerTextAsync());
        await LocalTimes.AssertOnAsync(page, "Dhaka"); // when each notice was made: Dhaka time beside UTC
        await page.ScreenshotAsync("agency-notices");

        _smtp.Dispose();
        _smtp = SimpleSmtpServer.Start(_smtpPort);
        await row.GetByRole(AriaRole.Button, new() { Name = "Send again" }).ClickAsync();
        await WaitAsync(async db => await db.Set<NotificationDelivery>().AnyAsync(d => d.Kind == NoticeKinds.Approval && d.State == DeliveryStates.Sent));
        var mail = Assert.Single(_smtp.ReceivedEmail);
        Assert.Equal("supervisor@agency-a.demo", mail.ToAddresses.Single().Address);
        Assert.Contains("approval", mail.Subject, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An agency B provider's account at the gateway; signed in once (so the portal has their profile) when they have a password.</summary>
    private async Task AddProviderAsync(string email, bool withPassword, string? kinds)
    {
        await using var scope = _hub.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
        var user = new PersonAccount { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email, CreatedAt = DateTime.UtcNow };
        Assert.True((withPassword ? await users.CreateAsync(user, DemoPeople.Password) : await users.CreateAsync(user)).Succeeded);
        await users.AddClaimsAsync(user, [new(HubClaims.Agency, "agency-b"), new(HubClaims.Role, Roles.Provider)]);
        if (withPassword) await SignInOnceAsync(email);
        if (kinds is null) return;
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        db.Set<PersonSettings>().Add(new PersonSettings { UserId = user.Id, NoticeKinds = kinds });
        await db.SaveChangesAsync();
    }

    /// <summary>Each person signs in to the portal once, over HTTP at the gateway's page (the shared helper).</summary>
    private async Task SignInOnceAsync(params string[] emails)
    {
        foreach (var email in emails)
        {
            using var http = PeopleSignIn.SocketBrowser(_hub.BaseAddress);
            using var home = await PeopleSignIn.SignInToPortalAsync(http, _hub.BaseAddress, email, DemoPeople.Password);
            Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
        }
    }

    /// <summary>
    /// Waits (bounded) until every notice queued for <paramref name="id"/> under <paramref name="prefix"/> was handed to
    /// the SMTP server, then answers the e-mails that server received for it with that kind.
    /// </summary>
    private async Task<List<netDumbster.smtp.SmtpMessage>> SentAsync(Guid id, string prefix, int expected)
    {
        var key = prefix + id;
        await WaitAsync(async db =>
        {
            var rows = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.DedupKey.StartsWith(key)).ToListAsync();
            return rows.Count >= expected && rows.All(r => r.State == DeliveryStates.Sent);
        });
        var kind = prefix.TrimEnd(':') switch { "offer" => "new referral", "reminder" => "reminder", _ => "escalated" };
        // The district focal point's escalation links to the portal's home (no referral page for that role): only
        // one referral is ever escalated in this hub, so theirs is counted by its subject.
        return [.. _smtp.ReceivedEmail.Where(m => m.Subject.Contains(kind, StringComparison.OrdinalIgnoreCase)
            && (m.MessageParts[0].BodyData.Contains(id.ToString()) || (kind == "escalated" && m.ToAddresses.Any(a => a.Address == "focalpoint@district.demo"))))];
    }

    private async Task WaitAsync(Func<PortalDbContext, Task<bool>> done)
    {
        for (var attempt = 0; attempt < 300; attempt++) // a hang guard (60 s), not a speed check
        {
            await using var scope = _hub.Services.CreateAsyncScope();
            if (await done(scope.ServiceProvider.GetRequiredService<PortalDbContext>())) return;
            await Task.Delay(200);
        }
        await using var last = _hub.Services.CreateAsyncScope();
        var db = last.ServiceProvider.GetRequiredService<PortalDbContext>();
        var rows = await db.Set<NotificationDelivery>().AsNoTracking().ToListAsync();
        throw new TimeoutException($"the notices were not sent within 60 s; queued: {string.Join("; ", rows.Select(r => $"{r.DedupKey} {r.State} {r.Attempts} {r.LastError}"))}; " +
            $"watched offers: {await db.Set<OpenOffer>().CountAsync()}; handled: {string.Join(", ", await db.InboxMessages.Select(m => m.Consumer).ToListAsync())}");
    }

    private static List<string> Recipients(IEnumerable<netDumbster.smtp.SmtpMessage> messages) =>
        [.. messages.SelectMany(m => m.ToAddresses.Select(a => a.Address)).Order(StringComparer.Ordinal)];
}
