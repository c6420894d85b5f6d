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
    public async Task<List<NoticePerson>> OfAgencyAsync(string agency, string role, CancellationToken cancellationToken)
    {
        var people = await db.Set<PortalPerson>().AsNoTracking().Where(p => p.Agency == agency && p.Active)
            .Select(p => new { p.Id, p.Agency, p.Roles }).ToListAsync(cancellationToken);
        return [.. people.Where(p => Codes(p.Roles).Contains(role)).Select(p => new NoticePerson(p.Id, p.Agency))];
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

/// <summary>
/// Queues notices in the caller's transaction (the portal's notification outbox): one row per person who chose this
/// kind, held for the digest when they chose one, and never twice for the same <c>dedupKey</c> and person.
/// </summary>
public sealed class NoticeQueue(PortalDbContext db, IOptions<NotificationOptions> options)
{
    public async Task<int> QueueAsync(IEnumerable<NoticePerson> people, string dedupKey, Func<NoticePerson, NoticeFacts> facts, DateTime now,
        CancellationToken cancellationToken)
    {
        var recipients = people.DistinctBy(p => p.UserId).ToList();
        if (recipients.Count == 0) return 0;
        var userIds = recipients.Select(p => p.UserId).ToList();
        var agencies = recipients.Select(p => p.Agency).Distinct().ToList();
        // The people's own choices and their agencies' defaults in one statement (UNION ALL), not two.
        var choices = await db.Set<PersonSettings>().Where(s => userIds.Contains(s.UserId))
            .Select(s => new { Own = true, Key = s.UserId, s.NoticeKinds, s.Digest })
            .Concat(db.Set<AgencyNoticeDefaults>().Where(d => agencies.Contains(d.AgencyCode))
                .Select(d => new { Own = false, Key = d.AgencyCode, NoticeKinds = (string?)d.NoticeKinds, Digest = (bool?)d.Digest }))
            .ToListAsync(cancellationToken);
        var settings = choices.Where(c => c.Own).ToDictionary(c => c.Key, c => new PersonSettings { UserId = c.Key, NoticeKinds = c.NoticeKinds, Digest = c.Digest });
        var defaults = choices.Where(c => !c.Own).ToDictionary(c => c.Key,
            c => new AgencyNoticeDefaults { AgencyCode = c.Key, NoticeKinds = c.NoticeKinds ?? "", Digest = c.Digest ?? false });
        var keys = userIds.Select(id => Key(dedupKey, id)).ToList();
        var existing = (await db.Set<NotificationDelivery>().Where(d => keys.Contains(d.DedupKey)).Select(d => d.DedupKey).ToListAsync(cancellationToken)).ToHashSet();

        var queued = 0;
        foreach (var person in recipients)
        {
            var key = Key(dedupKey, person.UserId);
            if (existing.Contains(key)) continue;
            var (kinds, digest) = Effective(settings.GetValueOrDefault(person.UserId), defaults.GetValueOrDefault(person.Agency), options.Value);
            var fact = facts(person);
            if (!kinds.Contains(fact.Kind)) continue;
            db.Set<NotificationDelivery>().Add(new NotificationDelivery
            {
                Id = NewId.NextGuid(), DedupKey = key, UserId = person.UserId, AgencyCode = person.Agency, Kind = fact.Kind, Channel = "",
                FactsJson = JsonSerializer.Serialize(new[] { fact }, Json), State = digest ? DeliveryStates.Held : DeliveryStates.Pending,
                CreatedAt = now, NextAttemptAt = now,
            });
            queued++;
        }
        return queued;
    }

    /// <summary>The person's own choice, else the agency's defaults, else the hub's.</summary>
    public static (IReadOnlySet<string> Kinds, bool Digest) Effective(PersonSettings? own, AgencyNoticeDefaults? agency, NotificationOptions options) =>
        (NoticeKinds.Parse(own?.NoticeKinds ?? agency?.NoticeKinds ?? options.DefaultNoticeKinds), own?.Digest ?? agency?.Digest ?? false);

    private static string Key(string dedupKey, string userId) => $"{dedupKey}|{userId}";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
