using Microsoft.EntityFrameworkCore;

namespace ReferralHub.Portal.Notifications;

/// <summary>
/// One person's own choices (language and notices). A null <see cref="NoticeKinds"/> / <see cref="Digest"/> means
/// "as my agency's defaults", so an admin's later change of the defaults reaches everyone who never chose.
/// </summary>
public sealed class PersonSettings
{
    public required string UserId { get; set; }

    /// <summary>The portal language the person chose (a culture name from Portal:Cultures); null = the browser's.</summary>
    public string? Culture { get; set; }

    /// <summary>Comma-separated notice kinds the person wants; null = the agency's defaults.</summary>
    public string? NoticeKinds { get; set; }

    public bool? Digest { get; set; }

    /// <summary>The digest time last served for this person, so a day's digest goes once.</summary>
    public DateTime? LastDigestAt { get; set; }
}

/// <summary>An agency's defaults for its people who did not choose (set by the agency admin).</summary>
public sealed class AgencyNoticeDefaults
{
    public required string AgencyCode { get; set; }

    public required string NoticeKinds { get; set; }

    public bool Digest { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

public static class DeliveryStates
{
    /// <summary>Kept for the person's daily digest.</summary>
    public const string Held = "held";

    /// <summary>Waiting to be sent (first time or after a failed attempt).</summary>
    public const string Pending = "pending";

    public const string Sent = "sent";

    /// <summary>Given up after every retry; the agency admin sees it and can send it again.</summary>
    public const string Failed = "failed";

    /// <summary>Went out inside a digest (see <see cref="NotificationDelivery.DigestId"/>).</summary>
    public const string InDigest = "in-digest";
}

/// <summary>
/// One notice to one person: the portal's notification outbox. Written in the same transaction as the event that
/// caused it (with the inbox record), sent by <see cref="NotificationSweep"/>, retried with back-off, and kept.
/// Holds only non-personal facts (<see cref="NoticeFacts"/>); the recipient's address is read at sending time.
/// </summary>
public sealed class NotificationDelivery
{
    public Guid Id { get; set; }

    /// <summary>Unique: the same notice for the same person is queued once, however often its event arrives.</summary>
    public required string DedupKey { get; set; }

    public required string UserId { get; set; }

    /// <summary>The recipient's agency, for the agency admin's delivery list.</summary>
    public required string AgencyCode { get; set; }

    public required string Kind { get; set; }

    public required string Channel { get; set; }

    /// <summary>JSON of <see cref="NoticeFacts"/> (a list of them for a digest).</summary>
    public required string FactsJson { get; set; }

    public required string State { get; set; }

    public int Attempts { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }

    /// <summary>An error code (exception type, SMTP status), never the message text or an address.</summary>
    public string? LastError { get; set; }

    public Guid? DigestId { get; set; }
}

/// <summary>An offer the portal may have to remind its provider about (closed once answered, withdrawn or escalated).</summary>
public sealed class OpenOffer
{
    public Guid ReferralId { get; set; }

    public required string OrganisationCode { get; set; }

    public required string ServiceType { get; set; }

    public required string Priority { get; set; }

    public DateTime OfferedAt { get; set; }

    public DateTime DeadlineAt { get; set; }

    public DateTime? RemindedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    /// <summary>The referral version last applied (offer or closing change): messages may arrive out of order.</summary>
    public int Version { get; set; }
}

internal static class NotificationsModel
{
    public static ModelBuilder AddNotifications(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PersonSettings>(e =>
        {
            e.ToTable("person_settings");
            e.HasKey(s => s.UserId);
            e.Property(s => s.Culture).HasMaxLength(20);
            e.Property(s => s.NoticeKinds).HasMaxLength(200);
        });
        modelBuilder.Entity<AgencyNoticeDefaults>(e =>
        {
            e.ToTable("agency_notice_defaults");
            e.HasKey(d => d.AgencyCode);
            e.Property(d => d.NoticeKinds).HasMaxLength(200);
            e.Property(d => d.UpdatedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<NotificationDelivery>(e =>
        {
            e.ToTable("notification_deliveries");
            e.HasKey(d => d.Id);
            e.HasIndex(d => d.DedupKey).IsUnique();
            e.HasIndex(d => new { d.State, d.NextAttemptAt });
            e.HasIndex(d => new { d.AgencyCode, d.CreatedAt });
            e.HasIndex(d => new { d.UserId, d.State });
            e.Property(d => d.DedupKey).HasMaxLength(300);
            e.Property(d => d.Kind).HasMaxLength(40);
            e.Property(d => d.Channel).HasMaxLength(40);
            e.Property(d => d.State).HasMaxLength(20);
            e.Property(d => d.AgencyCode).HasMaxLength(100);
            e.Property(d => d.LastError).HasMaxLength(300);
        });
        modelBuilder.Entity<OpenOffer>(e =>
        {
            e.ToTable("notification_open_offers");
            e.HasKey(o => o.ReferralId);
            e.HasIndex(o => new { o.ClosedAt, o.RemindedAt, o.DeadlineAt });
            e.Property(o => o.OrganisationCode).HasMaxLength(100);
            e.Property(o => o.ServiceType).HasMaxLength(100);
            e.Property(o => o.Priority).HasMaxLength(20);
        });
        return modelBuilder;
    }
}
