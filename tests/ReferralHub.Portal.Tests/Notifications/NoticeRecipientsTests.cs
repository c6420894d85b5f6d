using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Portal.Tests.Notifications;

/// <summary>
/// Who an offer or an escalation notice goes to, read in one statement per lookup (issue 17): only people the portal
/// knows (a profile, written at their sign-in at the gateway) of the agency holding the role, each once; and what is
/// queued for them follows their own choice, else their agency's defaults, and never twice for the same notice. On the
/// hub's real portal database.
/// </summary>
public sealed class NoticeRecipientsTests(PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task An_agencys_notices_go_to_its_active_people_in_the_role_once_each_as_they_chose()
    {
        var agency = $"nr-{Guid.NewGuid():N}"[..12];
        var active = await AddAsync($"{agency}-active", [new(HubClaims.Agency, agency), new(HubClaims.Role, Roles.Provider)]);
        var ownChoice = await AddAsync($"{agency}-own", [new(HubClaims.Agency, agency), new(HubClaims.Role, Roles.Provider)]);
        var escalationsOnly = await AddAsync($"{agency}-esc", [new(HubClaims.Agency, agency), new(HubClaims.Role, Roles.Provider)]);
        await AddAsync($"{agency}-invited", [new(HubClaims.Agency, agency), new(HubClaims.Role, Roles.Provider)], signedIn: false);
        await AddAsync($"{agency}-supervisor", [new(HubClaims.Agency, agency), new(HubClaims.Role, Roles.Supervisor)]);
        await AddAsync($"{agency}-elsewhere", [new(HubClaims.Agency, agency + "x"), new(HubClaims.Role, Roles.Provider)]);

        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var people = await scope.ServiceProvider.GetRequiredService<NoticeRecipients>().OfAgencyAsync(agency, Roles.Provider, CancellationToken.None);

        Assert.Equal([active, escalationsOnly, ownChoice], people.Select(p => p.UserId).Order(StringComparer.Ordinal));
        Assert.All(people, p => Assert.Equal(agency, p.Agency));

        // The agency's defaults: offers, in the daily digest. One person chose immediate delivery (kinds as the agency's),
        // another chose escalations only.
        db.Set<AgencyNoticeDefaults>().Add(new AgencyNoticeDefaults { AgencyCode = agency, NoticeKinds = NoticeKinds.Offer, Digest = true, UpdatedAt = DateTime.UtcNow });
        db.Set<PersonSettings>().Add(new PersonSettings { UserId = ownChoice, Digest = false });
        db.Set<PersonSettings>().Add(new PersonSettings { UserId = escalationsOnly, NoticeKinds = NoticeKinds.Escalation });
        await db.SaveChangesAsync();

        var queue = scope.ServiceProvider.GetRequiredService<NoticeQueue>();
        var key = $"offer:{Guid.NewGuid()}";
        NoticeFacts Facts(NoticePerson _) => new(NoticeKinds.Offer, "referral", Guid.NewGuid(), "specialised-mhpss", "high", null, "/");
        Assert.Equal(2, await queue.QueueAsync(people, key, Facts, DateTime.UtcNow, CancellationToken.None));
        await db.SaveChangesAsync();
        var queued = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.DedupKey.StartsWith(key)).ToDictionaryAsync(d => d.UserId, d => d.State);
        Assert.Equal(new Dictionary<string, string> { [active] = DeliveryStates.Held, [ownChoice] = DeliveryStates.Pending }, queued);

        // The same notice again (a duplicate event): nothing more.
        Assert.Equal(0, await queue.QueueAsync(people, key, Facts, DateTime.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task An_areas_focal_points_are_found_through_the_area_chain_once_each_with_their_agency()
    {
        var camp = $"nr-camp-{Guid.NewGuid():N}"[..16];
        var district = $"nr-dist-{Guid.NewGuid():N}"[..16];
        var ofCamp = await AddAsync($"{camp}-fp", [new(HubClaims.Agency, "agency-c"), new(HubClaims.Role, Roles.PathwayMaintainer), new(HubClaims.Area, camp)]);
        var ofBoth = await AddAsync($"{camp}-both", [new(HubClaims.Agency, "agency-d"), new(HubClaims.Role, Roles.PathwayMaintainer),
            new(HubClaims.Area, camp), new(HubClaims.Area, district)]);
        var noAgency = await AddAsync($"{district}-fp", [new(HubClaims.Role, Roles.PathwayMaintainer), new(HubClaims.Area, district)]);
        await AddAsync($"{district}-off", [new(HubClaims.Agency, "agency-c"), new(HubClaims.Role, Roles.PathwayMaintainer), new(HubClaims.Area, district)], signedIn: false);
        await AddAsync($"{district}-prov", [new(HubClaims.Agency, "agency-c"), new(HubClaims.Role, Roles.Provider), new(HubClaims.Area, district)]);

        await using var scope = hub.Services.CreateAsyncScope();
        var people = await scope.ServiceProvider.GetRequiredService<NoticeRecipients>()
            .OfAreasAsync([camp, district], Roles.PathwayMaintainer, CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { [ofCamp] = "agency-c", [ofBoth] = "agency-d", [noAgency] = "" },
            people.ToDictionary(p => p.UserId, p => p.Agency));
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<NoticeRecipients>().OfAreasAsync([], Roles.PathwayMaintainer, CancellationToken.None));
    }

    private Task<string> AddAsync(string id, Claim[] claims, bool signedIn = true) => AddProfileAsync(hub, id, claims, signedIn);

    /// <summary>The profile a sign-in at the gateway writes (PortalSessions); someone who never signed in has none.</summary>
    internal static async Task<string> AddProfileAsync(PortalHub hub, string id, Claim[] claims, bool signedIn = true)
    {
        if (!signedIn) return id;
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var profiles = scope.ServiceProvider.GetRequiredService<PortalProfiles>();
        db.Set<PortalPerson>().Add(new PortalPerson
        {
            Id = id,
            DisplayName = profiles.Protect(id)!,
            Email = profiles.Protect($"{id}@notices.test"),
            Agency = claims.FirstOrDefault(c => c.Type == HubClaims.Agency)?.Value ?? "",
            Roles = string.Join(',', claims.Where(c => c.Type == HubClaims.Role).Select(c => c.Value)),
            Areas = string.Join(',', claims.Where(c => c.Type == HubClaims.Area).Select(c => c.Value)),
            SignedInAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        return id;
    }
}
