using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Tests.Notifications;

/// <summary>
/// The offer notices consumed in batches (issue 17): offers published on the hub's real bus to the portal's queue,
/// notices and watched offers read back from its real database. Each organisation's provider focal points get one
/// notice per offer, a redelivered batch queues nothing more, and an offer older than the watched one changes nothing.
/// </summary>
public sealed class OfferNoticeBatchTests(PortalHub hub) : IClassFixture<PortalHub>
{
    private static readonly string Consumer = typeof(OfferNoticeConsumer).FullName!;

    [Fact]
    public async Task A_batch_of_offers_to_several_organisations_tells_each_organisations_people_once_per_offer()
    {
        var (a, b, c) = (Organisation("ba"), Organisation("bb"), Organisation("bc"));
        var a1 = await ProviderAsync(a, "p1");
        var a2 = await ProviderAsync(a, "p2");
        await NoticeRecipientsTests.AddProfileAsync(hub, $"{a}-sup", [new(HubClaims.Agency, a), new(HubClaims.Role, Roles.Supervisor)]);
        var b1 = await ProviderAsync(b, "p1");
        // c: nobody the portal knows.

        ReferralOffered[] offers = [Offer(a), Offer(b), Offer(a), Offer(c), Offer(a), Offer(b)];
        var messageIds = await PublishAsync(offers);
        await HandledAsync(messageIds);

        var queued = await QueuedAsync(offers);
        foreach (var offer in offers)
        {
            var expected = offer.OrganisationCode == a ? new[] { a1, a2 } : offer.OrganisationCode == b ? [b1] : [];
            Assert.Equal(expected.Order(StringComparer.Ordinal), queued.Where(q => q.ItemId == offer.ReferralId).Select(q => q.UserId).Order(StringComparer.Ordinal));
        }
        // What each notice says: the offer's codes and its link, nothing about the child.
        var facts = JsonSerializer.Deserialize<NoticeFacts[]>(queued.First(q => q.ItemId == offers[0].ReferralId).FactsJson, JsonSerializerOptions.Web)!;
        Assert.Equal(new NoticeFacts(NoticeKinds.Offer, "referral", offers[0].ReferralId, offers[0].ServiceType, offers[0].Priority, offers[0].DeadlineAt,
            $"/referrals/{offers[0].ReferralId}"), Assert.Single(facts));

        var watched = await WatchedAsync(offers);
        Assert.All(offers, offer => Assert.Equal((offer.OrganisationCode, offer.Version, offer.DeadlineAt),
            (watched[offer.ReferralId].OrganisationCode, watched[offer.ReferralId].Version, watched[offer.ReferralId].DeadlineAt)));
    }

    [Fact]
    public async Task A_redelivered_batch_queues_nothing_more()
    {
        var a = Organisation("ra");
        await ProviderAsync(a, "p1");
        await ProviderAsync(a, "p2");
        ReferralOffered[] offers = [Offer(a), Offer(a), Offer(a), Offer(a)];
        var messageIds = await PublishAsync(offers);
        await HandledAsync(messageIds);
        var before = await QueuedAsync(offers);
        Assert.Equal(offers.Length * 2, before.Count);

        // The same messages again (the acknowledgement of the batch was lost), and one offer re-published under a new
        // message id (the outbox's dispatcher crashed between the broker's confirm and marking the row sent).
        var deliveries = new CompletedOffers();
        using (hub.Services.GetRequiredService<IBus>().ConnectConsumeObserver(deliveries))
        {
            await PublishAsync(offers, messageIds);
            var republished = await PublishAsync([offers[1]]);
            await HandledAsync(republished);
            await Until(() => Task.FromResult(messageIds.All(id => deliveries.Completed(id) >= 1)), "the redelivered batch to be consumed");
        }

        Assert.Equal(before.Select(q => q.Id).Order(), (await QueuedAsync(offers)).Select(q => q.Id).Order());
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(messageIds.Count, await db.InboxMessages.CountAsync(m => m.Consumer == Consumer && messageIds.Contains(m.MessageId)));
    }

    [Fact]
    public async Task An_offer_older_than_the_watched_version_changes_nothing()
    {
        var (a, b) = (Organisation("oa"), Organisation("ob"));
        await ProviderAsync(a, "p1");
        await ProviderAsync(b, "p1");
        var later = Offer(a) with { Version = 5 };
        await HandledAsync(await PublishAsync([later]));

        // The referral's earlier offer (to another organisation) arrives after it.
        var earlier = later with { OrganisationCode = b, Version = 3, OfferedAt = later.OfferedAt.AddHours(-1), DeadlineAt = later.DeadlineAt.AddHours(-1) };
        await HandledAsync(await PublishAsync([earlier]));

        var watched = (await WatchedAsync([later]))[later.ReferralId];
        Assert.Equal((a, 5, later.OfferedAt, later.DeadlineAt), (watched.OrganisationCode, watched.Version, watched.OfferedAt, watched.DeadlineAt));
        var queued = await QueuedAsync([later]);
        Assert.Equal([$"offer:{later.ReferralId}:{later.OfferedAt.Ticks}"], queued.Select(q => q.DedupKey[..q.DedupKey.IndexOf('|')]).Distinct());
        Assert.All(queued, q => Assert.Equal(a, q.AgencyCode));
    }

    [Fact]
    public async Task A_re_offer_right_behind_its_offer_ends_at_the_higher_version()
    {
        var (a, b) = (Organisation("wa"), Organisation("wb"));
        await ProviderAsync(a, "p1");
        var b1 = await ProviderAsync(b, "p1");
        var first = Offer(a) with { Version = 2 };
        var reOffer = first with { OrganisationCode = b, Version = 4, OfferedAt = first.OfferedAt.AddMinutes(1), DeadlineAt = first.DeadlineAt.AddMinutes(1) };

        // Published one after the other, so they are usually consumed in one batch, in this order.
        await HandledAsync(await PublishAsync([first, reOffer]));

        var watched = (await WatchedAsync([first]))[first.ReferralId];
        Assert.Equal((b, 4, reOffer.OfferedAt), (watched.OrganisationCode, watched.Version, watched.OfferedAt));
        Assert.Contains(await QueuedAsync([first]), q => q.UserId == b1 && q.DedupKey.StartsWith($"offer:{first.ReferralId}:{reOffer.OfferedAt.Ticks}|", StringComparison.Ordinal));
    }

    [Fact]
    public void The_offer_notices_keep_their_queue_name()
    {
        // Deployments, the error queue operators watch and messages already waiting use it (docs/messaging.md).
        var owned = Assert.Single(hub.Services.GetRequiredService<QueueOwnership>().Queues, q => q.Consumer == typeof(OfferNoticeConsumer));
        Assert.Equal("portal-offer-notice", owned.Queue);
    }

    private static string Organisation(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..14];

    private Task<string> ProviderAsync(string organisation, string name) =>
        NoticeRecipientsTests.AddProfileAsync(hub, $"{organisation}-{name}", [new(HubClaims.Agency, organisation), new(HubClaims.Role, Roles.Provider)]);

    private static ReferralOffered Offer(string organisation)
    {
        var now = DateTime.UtcNow;
        return new ReferralOffered(Guid.NewGuid(), organisation, Guid.NewGuid(), "specialised-mhpss", "high", "demo-camp-1", now.AddDays(2), now, 1);
    }

    /// <summary>Publishes the offers one after the other (with the given message ids, else new ones); answers the ids.</summary>
    private async Task<List<Guid>> PublishAsync(IReadOnlyList<ReferralOffered> offers, IReadOnlyList<Guid>? messageIds = null)
    {
        var bus = hub.Services.GetRequiredService<IBus>();
        var ids = messageIds?.ToList() ?? [.. offers.Select(_ => NewId.NextGuid())];
        for (var i = 0; i < offers.Count; i++)
        {
            var id = ids[i];
            await bus.Publish(offers[i], context => context.MessageId = id);
        }
        return ids;
    }

    /// <summary>Waits until the portal's inbox records every message (its effects committed with it).</summary>
    private Task HandledAsync(IReadOnlyCollection<Guid> messageIds) => Until(async () =>
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.InboxMessages.CountAsync(m => m.Consumer == Consumer && messageIds.Contains(m.MessageId)) == messageIds.Count;
    }, "the offers to be handled");

    private async Task<List<(Guid Id, Guid ItemId, string UserId, string AgencyCode, string DedupKey, string FactsJson)>> QueuedAsync(IEnumerable<ReferralOffered> offers)
    {
        var prefixes = offers.Select(o => $"offer:{o.ReferralId}:").ToList();
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var rows = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.Kind == NoticeKinds.Offer).ToListAsync();
        return [.. rows.Where(r => prefixes.Any(p => r.DedupKey.StartsWith(p, StringComparison.Ordinal)))
            .Select(r => (r.Id, Guid.Parse(r.DedupKey.Split(':')[1]), r.UserId, r.AgencyCode, r.DedupKey, r.FactsJson))];
    }

    private async Task<Dictionary<Guid, OpenOffer>> WatchedAsync(IEnumerable<ReferralOffered> offers)
    {
        var ids = offers.Select(o => o.ReferralId).ToList();
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.Set<OpenOffer>().AsNoTracking().Where(o => ids.Contains(o.ReferralId)).ToDictionaryAsync(o => o.ReferralId);
    }

    private static async Task Until(Func<Task<bool>> done, string what)
    {
        for (var attempt = 0; attempt < 600; attempt++) // a hang guard (60 s), not a speed check
        {
            if (await done()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"gave up waiting for {what}");
    }

    /// <summary>Counts, per message id, the offers whose consumption completed (a batch's messages complete with their batch).</summary>
    private sealed class CompletedOffers : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> _completed = new();

        public int Completed(Guid messageId) => _completed.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            if (context.Message is ReferralOffered && context.MessageId is { } id) _completed.AddOrUpdate(id, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
