using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Tests.Notifications;

/// <summary>
/// An escalated offer tells the area's child protection focal points and the provider's focal points under one notice
/// key. A person who is both (a provider focal point who also keeps the area's pathways) gets it once — before, the
/// second row broke the key's uniqueness and the whole escalation went to the error queue, telling nobody.
/// </summary>
public sealed class EscalationNoticeTests(PortalHub hub) : IClassFixture<PortalHub>
{
    [Fact]
    public async Task A_person_who_is_focal_point_of_the_area_and_provider_gets_the_escalation_once_and_the_others_get_theirs()
    {
        var organisation = $"en-{Guid.NewGuid():N}"[..14];
        var area = $"en-area-{Guid.NewGuid():N}"[..18]; // not in the directory: the area chain is the area itself
        var both = await NoticeRecipientsTests.AddProfileAsync(hub, $"{organisation}-both",
            [new(HubClaims.Agency, organisation), new(HubClaims.Role, Roles.Provider), new(HubClaims.Role, Roles.PathwayMaintainer), new(HubClaims.Area, area)]);
        var provider = await NoticeRecipientsTests.AddProfileAsync(hub, $"{organisation}-provider", [new(HubClaims.Agency, organisation), new(HubClaims.Role, Roles.Provider)]);
        var focalPoint = await NoticeRecipientsTests.AddProfileAsync(hub, $"{organisation}-fp",
            [new(HubClaims.Agency, "district-x"), new(HubClaims.Role, Roles.PathwayMaintainer), new(HubClaims.Area, area)]);

        var now = DateTime.UtcNow;
        var escalated = new ReferralEscalated(Guid.NewGuid(), "agency-a", area, "specialised-mhpss", "high", organisation, [], now.AddHours(-1), now);
        var messageId = NewId.NextGuid();
        await hub.Services.GetRequiredService<IBus>().Publish(escalated, c => c.MessageId = messageId);

        var consumer = typeof(ReferralEscalationNoticeConsumer).FullName!;
        for (var attempt = 0; ; attempt++) // a hang guard (60 s), not a speed check
        {
            await using var scope = hub.Services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<PortalDbContext>().InboxMessages.AnyAsync(m => m.Consumer == consumer && m.MessageId == messageId)) break;
            if (attempt == 600) throw new TimeoutException("the escalation was never handled (a failed transaction ends in the error queue)");
            await Task.Delay(100);
        }

        await using var read = hub.Services.CreateAsyncScope();
        var queued = await read.ServiceProvider.GetRequiredService<PortalDbContext>().Set<NotificationDelivery>().AsNoTracking()
            .Where(d => d.DedupKey.StartsWith($"escalation:{escalated.ReferralId}:")).Select(d => d.UserId).ToListAsync();
        Assert.Equal(new[] { both, focalPoint, provider }.Order(StringComparer.Ordinal), queued.Order(StringComparer.Ordinal));
    }
}
