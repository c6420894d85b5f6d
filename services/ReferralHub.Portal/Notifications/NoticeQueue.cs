using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Notifications;

/// <summary>
/// What a notice may say: the kind, whether it is about a referral or a transfer (by its opaque id, only used in the
/// link), the service type, the priority and the deadline. Never a case code, a name or a narrative: the person signs
/// in to see more, and the portal shows only what their role may see.
/// </summary>
public sealed record NoticeFacts(string Kind, string Item, Guid ItemId, string ServiceType, string Priority, DateTime? DeadlineAt, string LinkPath);

/// <summary>A portal person a notice may go to.</summary>
public sealed record NoticePerson(string UserId, string Agency);

/// <summary>
/// Finds the people a notice is for, from the portal's own profiles (PortalPerson: the agency, roles and areas of each
/// person's last sign-in at the gateway, or the gateway's later <c>PersonAccountChanged</c>). Someone who never signed in
/// gets no notices: the portal knows a person from their first sign-in; a person disabled at the gateway gets none.
/// </summary>
public sealed class NoticeRecipients(PortalDbContext db)
{
    /// <summary>People of <paramref name="agency"/> holding <paramref name="role"/>.</summary>
    public async Task<List<NoticePerson>> OfAgencyAsync(string agency, string role, CancellationToken cancellationToken) =>
        [.. (await OfAgenciesAsync([agency], role, cancellationToken))[agency]];

    /// <summary>
    /// People of each of <paramref name="agencies"/> holding <paramref name="role"/>, by agency, in one statement: a batch
    /// of offers reads each organisation's people once, not once per offer.
    /// </summary>
    public async Task<ILookup<string, NoticePerson>> OfAgenciesAsync(IReadOnlyCollection<string> agencies, string role, CancellationToken cancellationToken)
    {
        if (agencies.Count == 0) return Array.Empty<NoticePerson>().ToLookup(p => p.Agency, StringComparer.Ordinal);
        var people = await db.Set<PortalPerson>().AsNoTracking().Where(p => agencies.Contains(p.Agency) && p.Active)
            .Select(p => new { p.Id, p.Agency, p.Roles }).ToListAsync(cancellationToken);
        return people.Where(p => Codes(p.Roles).Contains(role)).Select(p => new NoticePerson(p.Id, p.Agency)).ToLookup(p => p.Agency, StringComparer.Ordinal);
    }

    /// <summary>People holding <paramref name="role"/> for any of <paramref name="areas"/> (an area and those above it).</summary>
    public async Task<List<NoticePerson>> OfAreasAsync(IReadOnlyCollection<string> areas, string role, CancellationToken cancellationToken)
    {
        if (areas.Count == 0) return [];
        var people = await db.Set<PortalPerson>().AsNoTracking().Where(p => p.Areas != "" && p.Active)
            .Select(p => new { p.Id, p.Agency, p.Roles, p.Areas }).ToListAsync(cancellationToken);
        return [.. people.Where(p => Codes(p.Roles).Contains(role) && Codes(p.Areas).Intersect(areas).Any()).Select(p => new NoticePerson(p.Id, p.Agency))];
    }

    private static string[] Codes(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>One notice to queue: who may get it, its de-duplication key and what it says to each of them.</summary>
public sealed record NoticeToQueue(IEnumerable<NoticePerson> People, string DedupKey, Func<NoticePerson, NoticeFacts> Facts);

/// <summary>
/// Queues notices in the caller's transaction (the portal's notification outbox): one row per person who chose this
/// kind, held for the digest when they chose one, and never twice for the same <c>dedupKey</c> and person.
/// </summary>
public sealed class NoticeQueue(PortalDbContext db, IOptions<NotificationOptions> options)
{
    public Task<int> QueueAsync(IEnumerable<NoticePerson> people, string dedupKey, Func<NoticePerson, NoticeFacts> facts, DateTime now,
        CancellationToken cancellationToken) =>
        QueueAllAsync([new NoticeToQueue(people, dedupKey, facts)], now, cancellationToken);

    /// <summary>
    /// Several notices (a batch of offers) with one read of the people's choices and their agencies' defaults and one of
    /// the notices already queued, for all of them. A notice and person met twice in <paramref name="notices"/> is
    /// queued once, as it would be one call after the other.
    /// </summary>
    public async Task<int> QueueAllAsync(IReadOnlyCollection<NoticeToQueue> notices, DateTime now, CancellationToken cancellationToken)
    {
        var toQueue = notices.Select(n => (Notice: n, Recipients: n.People.DistinctBy(p => p.UserId).ToList())).Where(n => n.Recipients.Count > 0).ToList();
        if (toQueue.Count == 0) return 0;
        var everyone = toQueue.SelectMany(n => n.Recipients).ToList();
        var userIds = everyone.Select(p => p.UserId).Distinct().ToList();
        var agencies = everyone.Select(p => p.Agency).Distinct().ToList();
        // The people's own choices and their agencies' defaults in one statement (UNION ALL), not two.
        var choices = await db.Set<PersonSettings>().Where(s => userIds.Contains(s.UserId))
            .Select(s => new { Own = true, Key = s.UserId, s.NoticeKinds, s.Digest })
            .Concat(db.Set<AgencyNoticeDefaults>().Where(d => agencies.Contains(d.AgencyCode))
                .Select(d => new { Own = false, Key = d.AgencyCode, NoticeKinds = (string?)d.NoticeKinds, Digest = (bool?)d.Digest }))
            .ToListAsync(cancellationToken);
        var settings = choices.Where(c => c.Own).ToDictionary(c => c.Key, c => new PersonSettings { UserId = c.Key, NoticeKinds = c.NoticeKinds, Digest = c.Digest });
        var defaults = choices.Where(c => !c.Own).ToDictionary(c => c.Key,
            c => new AgencyNoticeDefaults { AgencyCode = c.Key, NoticeKinds = c.NoticeKinds ?? "", Digest = c.Digest ?? false });
        var keys = toQueue.SelectMany(n => n.Recipients.Select(p => Key(n.Notice.DedupKey, p.UserId))).Distinct().ToList();
        var existing = (await db.Set<NotificationDelivery>().Where(d => keys.Contains(d.DedupKey)).Select(d => d.DedupKey).ToListAsync(cancellationToken)).ToHashSet();
        // And those queued earlier in this transaction, not saved yet: a consumer that queues twice under one key (an
        // escalation tells the area's focal points and the provider's; one person may be both) queues once, instead of
        // a second row breaking the unique key and sending the whole event to the error queue.
        existing.UnionWith(db.ChangeTracker.Entries<NotificationDelivery>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.DedupKey));

        var queued = 0;
        foreach (var (notice, recipients) in toQueue)
        {
            foreach (var person in recipients)
            {
                // Already queued, by an earlier event or earlier in this batch (the rows added here are not saved yet).
                var key = Key(notice.DedupKey, person.UserId);
                if (!existing.Add(key)) continue;
                var (kinds, digest) = Effective(settings.GetValueOrDefault(person.UserId), defaults.GetValueOrDefault(person.Agency), options.Value);
                var fact = notice.Facts(person);
                if (!kinds.Contains(fact.Kind)) continue;
                db.Set<NotificationDelivery>().Add(new NotificationDelivery
                {
                    Id = NewId.NextGuid(), DedupKey = key, UserId = person.UserId, AgencyCode = person.Agency, Kind = fact.Kind, Channel = "",
                    FactsJson = JsonSerializer.Serialize(new[] { fact }, Json), State = digest ? DeliveryStates.Held : DeliveryStates.Pending,
                    CreatedAt = now, NextAttemptAt = now,
                });
                queued++;
            }
        }
        return queued;
    }

    /// <summary>The person's own choice, else the agency's defaults, else the hub's.</summary>
    public static (IReadOnlySet<string> Kinds, bool Digest) Effective(PersonSettings? own, AgencyNoticeDefaults? agency, NotificationOptions options) =>
        (NoticeKinds.Parse(own?.NoticeKinds ?? agency?.NoticeKinds ?? options.DefaultNoticeKinds), own?.Digest ?? agency?.Digest ?? false);

    private static string Key(string dedupKey, string userId) => $"{dedupKey}|{userId}";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
