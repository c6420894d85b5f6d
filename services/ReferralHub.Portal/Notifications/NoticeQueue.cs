using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Identity;
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

/// <summary>Finds the people a notice is for, from the portal's own accounts (agency, role and area claims).</summary>
public sealed class NoticeRecipients(PortalDbContext db)
{
    private IQueryable<IdentityUserClaim<string>> Claims => db.Set<IdentityUserClaim<string>>();

    /// <summary>Active people (a password set, not disabled) of <paramref name="agency"/> holding <paramref name="role"/>.</summary>
    public async Task<List<NoticePerson>> OfAgencyAsync(string agency, string role, CancellationToken cancellationToken)
    {
        var ids = await Claims.Where(c => c.ClaimType == HubClaims.Agency && c.ClaimValue == agency).Select(c => c.UserId)
            .Intersect(Claims.Where(c => c.ClaimType == HubClaims.Role && c.ClaimValue == role).Select(c => c.UserId))
            .ToListAsync(cancellationToken);
        return await ActiveAsync(ids, cancellationToken);
    }

    /// <summary>Active people holding <paramref name="role"/> for any of <paramref name="areas"/> (an area and those above it).</summary>
    public async Task<List<NoticePerson>> OfAreasAsync(IReadOnlyCollection<string> areas, string role, CancellationToken cancellationToken)
    {
        if (areas.Count == 0) return [];
        var ids = await Claims.Where(c => c.ClaimType == HubClaims.Area && areas.Contains(c.ClaimValue!)).Select(c => c.UserId)
            .Intersect(Claims.Where(c => c.ClaimType == HubClaims.Role && c.ClaimValue == role).Select(c => c.UserId))
            .ToListAsync(cancellationToken);
        return await ActiveAsync(ids, cancellationToken);
    }

    private async Task<List<NoticePerson>> ActiveAsync(List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.PasswordHash != null).ToListAsync(cancellationToken);
        var agencies = await Claims.Where(c => ids.Contains(c.UserId) && c.ClaimType == HubClaims.Agency)
            .ToDictionaryAsync(c => c.UserId, c => c.ClaimValue ?? "", cancellationToken);
        return [.. users.Where(u => !PortalUser.IsDisabled(u)).Select(u => new NoticePerson(u.Id, agencies.GetValueOrDefault(u.Id, "")))];
    }
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
        var settings = await db.Set<PersonSettings>().AsNoTracking().Where(s => userIds.Contains(s.UserId)).ToDictionaryAsync(s => s.UserId, cancellationToken);
        var defaults = await db.Set<AgencyNoticeDefaults>().AsNoTracking().Where(d => agencies.Contains(d.AgencyCode)).ToDictionaryAsync(d => d.AgencyCode, cancellationToken);
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
