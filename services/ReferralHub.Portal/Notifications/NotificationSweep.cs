using System.Globalization;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Notifications;

/// <summary>
/// The portal's notification clock and sender (no scheduler package is served): reminds providers of offers near
/// their deadline, bundles held notices into each person's daily digest, and sends what is queued — once, retried with
/// back-off, marked failed for the agency admin after <see cref="NotificationOptions.MaxAttempts"/>. Time comes from
/// <see cref="TimeProvider"/>, so tests move the clock.
/// </summary>
public sealed class NotificationSweep(
    PortalDbContext db, NoticeRecipients recipients, NoticeQueue queue, NoticeComposer composer, IEnumerable<INotificationChannel> channels,
    HubTime time, IConfiguration configuration, IOptions<NotificationOptions> options, TimeProvider clock, PortalProfiles profiles,
    ILogger<NotificationSweep> logger) : IRedriveSweep
{
    private const int Batch = 50;

    public TimeSpan Interval => options.Value.SweepInterval;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var count = await RemindAsync(cancellationToken);
        count += await MakeDigestsAsync(cancellationToken);
        count += await SendAsync(cancellationToken);
        return count;
    }

    /// <summary>Offers still unanswered whose deadline is within the priority's reminder window: one reminder each.</summary>
    private async Task<int> RemindAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var widest = options.Value.RemindBefore.Values.DefaultIfEmpty(TimeSpan.Zero).Max();
        var candidates = await db.Set<OpenOffer>()
            .Where(o => o.ClosedAt == null && o.RemindedAt == null && o.DeadlineAt > now && o.DeadlineAt <= now + widest)
            .OrderBy(o => o.DeadlineAt).Take(Batch).ToListAsync(cancellationToken);
        var due = candidates.Where(o => options.Value.RemindBefore.TryGetValue(o.Priority, out var before) && o.DeadlineAt - before <= now).ToList();
        foreach (var offer in due)
        {
            offer.RemindedAt = now;
            var people = await recipients.OfAgencyAsync(offer.OrganisationCode, Roles.Provider, cancellationToken);
            await queue.QueueAsync(people, $"reminder:{offer.ReferralId}:{offer.OfferedAt.Ticks}",
                _ => new NoticeFacts(NoticeKinds.OfferReminder, "referral", offer.ReferralId, offer.ServiceType, offer.Priority, offer.DeadlineAt,
                    $"/referrals/{offer.ReferralId}"), now, cancellationToken);
        }
        if (due.Count > 0) await db.SaveChangesAsync(cancellationToken);
        return due.Count;
    }

    /// <summary>Once a day at <see cref="NotificationOptions.DigestHour"/> (hub local time): each person's held notices in one message.</summary>
    private async Task<int> MakeDigestsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var localNow = time.Local(now);
        var localDigest = localNow.Date.AddHours(options.Value.DigestHour);
        if (localNow < localDigest) localDigest = localDigest.AddDays(-1);
        var digestAt = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(localDigest, DateTimeKind.Unspecified), time.Zone);

        var held = await db.Set<NotificationDelivery>().Where(d => d.State == DeliveryStates.Held && d.CreatedAt <= digestAt)
            .OrderBy(d => d.CreatedAt).Take(500).ToListAsync(cancellationToken);
        var made = 0;
        foreach (var person in held.GroupBy(d => d.UserId))
        {
            var settings = await db.Set<PersonSettings>().SingleOrDefaultAsync(s => s.UserId == person.Key, cancellationToken);
            if (settings?.LastDigestAt is { } last && last >= digestAt) continue; // today's went out; these wait for tomorrow's
            if (settings is null) db.Set<PersonSettings>().Add(settings = new PersonSettings { UserId = person.Key });
            settings.LastDigestAt = digestAt;
            var digestId = NewId.NextGuid();
            var facts = person.SelectMany(d => JsonSerializer.Deserialize<List<NoticeFacts>>(d.FactsJson, NoticeQueue.Json) ?? []).ToList();
            db.Set<NotificationDelivery>().Add(new NotificationDelivery
            {
                Id = digestId, DedupKey = $"digest:{digestAt.Ticks}|{person.Key}", UserId = person.Key, AgencyCode = person.First().AgencyCode,
                Kind = NoticeKinds.Digest, Channel = "", FactsJson = JsonSerializer.Serialize(facts, NoticeQueue.Json),
                State = DeliveryStates.Pending, CreatedAt = now, NextAttemptAt = now,
            });
            foreach (var notice in person)
            {
                notice.State = DeliveryStates.InDigest;
                notice.DigestId = digestId;
            }
            made++;
        }
        if (made > 0) await db.SaveChangesAsync(cancellationToken);
        return made;
    }

    /// <summary>Sends due notices one by one, saving after each, so a crash repeats at most the one in flight.</summary>
    private async Task<int> SendAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Set<NotificationDelivery>().Where(d => d.State == DeliveryStates.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt).Take(Batch).ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var delivery in due)
        {
            // Where to reach the person: their profile as their last sign-in at the gateway gave it (encrypted at rest).
            var person = await db.Set<PortalPerson>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == delivery.UserId, cancellationToken);
            var settings = await db.Set<PersonSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == delivery.UserId, cancellationToken);
            if (person is null || !person.Active)
            {
                // Disabled at the gateway after the notice was queued: it is not sent (re-enabling does not revive it).
                Fail(delivery, person is null ? "recipient-unknown" : PersonAccountChangedConsumer.RecipientDisabled, now, final: true);
                await db.SaveChangesAsync(cancellationToken);
                continue;
            }
            var recipient = new NotificationRecipient(person.Id, profiles.Unprotect(person.Email), profiles.Unprotect(person.Phone), CultureOf(settings));
            var channel = channels.FirstOrDefault(c => c.Name == delivery.Channel && c.CanReach(recipient))
                ?? channels.FirstOrDefault(c => c.CanReach(recipient));
            if (channel is null)
            {
                Fail(delivery, "no-channel-reaches-recipient", now, final: true);
                await db.SaveChangesAsync(cancellationToken);
                continue;
            }
            delivery.Channel = channel.Name;
            var facts = JsonSerializer.Deserialize<List<NoticeFacts>>(delivery.FactsJson, NoticeQueue.Json) ?? [];
            try
            {
                await channel.SendAsync(recipient, composer.Compose(delivery.Id, facts, recipient.Culture), cancellationToken);
                delivery.State = DeliveryStates.Sent;
                delivery.SentAt = now;
                delivery.Attempts++;
                delivery.LastError = null;
                sent++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The error's type and SMTP status only: the message text can hold the address.
                var code = ex is MailKit.Net.Smtp.SmtpCommandException smtp ? $"SMTP {(int)smtp.StatusCode}" : ex.GetType().Name;
                logger.LogWarning("Notice {DeliveryId} via {Channel} not delivered ({Error}), attempt {Attempt}", delivery.Id, channel.Name, code, delivery.Attempts + 1);
                Fail(delivery, code, now, final: false);
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        return sent;
    }

    private void Fail(NotificationDelivery delivery, string error, DateTime now, bool final)
    {
        delivery.Attempts++;
        delivery.LastError = error;
        if (final || delivery.Attempts >= options.Value.MaxAttempts)
        {
            delivery.State = DeliveryStates.Failed;
            return;
        }
        var wait = options.Value.RetryMinInterval * Math.Pow(2, delivery.Attempts - 1);
        delivery.NextAttemptAt = now + (wait < options.Value.RetryMaxInterval ? wait : options.Value.RetryMaxInterval);
    }

    private CultureInfo CultureOf(PersonSettings? settings)
    {
        var supported = PortalCultures.Supported(configuration);
        return supported.FirstOrDefault(c => c.Name == settings?.Culture) ?? supported[0];
    }
}
