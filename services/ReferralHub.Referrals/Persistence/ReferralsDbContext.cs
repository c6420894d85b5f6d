using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Metrics;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Webhooks;

namespace ReferralHub.Referrals.Persistence;

/// <summary>The referral routing's own database: only this service reads or writes it.</summary>
public abstract class ReferralsDbContext(DbContextOptions options) : ServiceDbContext(options), IProtectionKeyContext
{
    public const string Name = "referrals";

    public DbSet<Referral> Referrals => Set<Referral>();

    public DbSet<ReferralChange> Changes => Set<ReferralChange>();

    public DbSet<ReferralRelease> Releases => Set<ReferralRelease>();

    public DbSet<ReferralNote> Notes => Set<ReferralNote>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDeadLetter> WebhookDeadLetters => Set<WebhookDeadLetter>();

    public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();

    public DbSet<TurnaroundMonth> TurnaroundMonths => Set<TurnaroundMonth>();

    public DbSet<TurnaroundStaleCell> TurnaroundStaleCells => Set<TurnaroundStaleCell>();

    // Every save marks the turnaround cells of the referrals it changes as stale, in the same transaction (TurnaroundRollup).
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TurnaroundRollup.MarkChangedCells(ChangeTracker);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TurnaroundRollup.MarkChangedCells(ChangeTracker);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddProtectionKeys();

        modelBuilder.Entity<Referral>(e =>
        {
            e.ToTable("referrals");
            e.HasKey(r => r.Id);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.Property(r => r.AgencyCode).HasMaxLength(100);
            e.Property(r => r.CaseCode).HasMaxLength(100);
            e.Property(r => r.SubmittedBy).HasMaxLength(200);
            e.Property(r => r.IdempotencyKey).HasMaxLength(200);
            e.Property(r => r.ServiceType).HasMaxLength(100);
            e.Property(r => r.AreaCode).HasMaxLength(100);
            e.Property(r => r.Priority).HasMaxLength(20);
            e.Property(r => r.Status).HasMaxLength(30);
            e.Property(r => r.StatusReason).HasMaxLength(100);
            e.Property(r => r.OrganisationCode).HasMaxLength(100);
            e.Property(r => r.DeclineReason).HasMaxLength(50);
            e.Property(r => r.ChildSatisfaction).HasMaxLength(10);
            e.Property(r => r.CaregiverSatisfaction).HasMaxLength(10);
            e.Property(r => r.OriginAgencyCode).HasMaxLength(100);
            e.Property(r => r.OriginCaseCode).HasMaxLength(100);
            e.Property(r => r.OfferWithheldJson).HasMaxLength(2000);
            e.HasIndex(r => new { r.OriginAgencyCode, r.IdempotencyKey }).IsUnique();
            e.HasIndex(r => new { r.OriginAgencyCode, r.OriginCaseCode });
            e.HasIndex(r => new { r.AgencyCode, r.UpdatedAt, r.Id });
            e.HasIndex(r => new { r.AgencyCode, r.CaseCode });
            // Pages read in the order of these indexes, so a page costs the same whatever the history (docs/benchmarks.md,
            // `scale`): the agency's list (oldest first), the provider's inbox by status or all, and the turnaround window.
            e.HasIndex(r => new { r.AgencyCode, r.CreatedAt, r.Id });
            e.HasIndex(r => new { r.OrganisationCode, r.Status, r.CreatedAt, r.Id });
            e.HasIndex(r => new { r.OrganisationCode, r.CreatedAt, r.Id });
            e.HasIndex(r => r.CreatedAt);
            e.HasIndex(r => new { r.Status, r.DeadlineAt });
            // One turnaround cell's referrals in a month (the roll-up recomputes a cell from them).
            e.HasIndex(r => new { r.OriginAgencyCode, r.ServiceType, r.Priority, r.AreaCode, r.CreatedAt });
        });

        modelBuilder.Entity<TurnaroundMonth>(e =>
        {
            e.ToTable("turnaround_months");
            e.HasKey(m => m.Cell);
            e.Property(m => m.Cell).HasMaxLength(500);
            e.Property(m => m.Month).HasMaxLength(7);
            e.HasIndex(m => m.Month);
        });

        modelBuilder.Entity<TurnaroundStaleCell>(e =>
        {
            e.ToTable("turnaround_stale_cells");
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).ValueGeneratedOnAdd();
            e.Property(m => m.Cell).HasMaxLength(500);
            e.Property(m => m.Month).HasMaxLength(7);
            e.HasIndex(m => m.Month);
        });

        modelBuilder.Entity<ReferralChange>(e =>
        {
            e.ToTable("referral_changes");
            e.HasKey(c => c.Sequence);
            e.Property(c => c.Sequence).ValueGeneratedOnAdd();
            e.Property(c => c.AgencyCode).HasMaxLength(100);
            e.Property(c => c.Kind).HasMaxLength(20);
            e.Property(c => c.Status).HasMaxLength(30);
            e.Property(c => c.Reason).HasMaxLength(100);
            e.Property(c => c.OrganisationCode).HasMaxLength(100);
            e.HasIndex(c => new { c.ReferralId, c.Sequence });
            e.HasIndex(c => new { c.AgencyCode, c.Sequence });
        });

        modelBuilder.Entity<ReferralRelease>(e =>
        {
            e.ToTable("referral_releases");
            e.HasKey(r => r.Id);
            e.Property(r => r.OrganisationCode).HasMaxLength(100);
            e.Property(r => r.FocalPointName).HasMaxLength(200);
            e.Property(r => r.ProfileVersion).HasMaxLength(50);
            e.Property(r => r.ReleasedBy).HasMaxLength(200);
            e.HasIndex(r => r.ReferralId);
        });

        modelBuilder.Entity<ReferralNote>(e =>
        {
            e.ToTable("referral_notes");
            e.HasKey(n => n.Id);
            e.Property(n => n.AuthorAgency).HasMaxLength(100);
            e.Property(n => n.AuthorSide).HasMaxLength(20);
            e.HasIndex(n => new { n.ReferralId, n.CreatedAt });
        });

        modelBuilder.Entity<WebhookSubscription>(e =>
        {
            e.ToTable("webhook_subscriptions");
            e.HasKey(s => s.Id);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.Property(s => s.AgencyCode).HasMaxLength(100);
            e.Property(s => s.Url).HasMaxLength(2000);
            e.Property(s => s.LastError).HasMaxLength(500);
            e.Property(s => s.Format).HasMaxLength(20).HasDefaultValue(WebhookFormats.HubEvent);
            e.Property(s => s.Criteria).HasMaxLength(2000);
            e.Property(s => s.StatusFilter).HasMaxLength(500);
            e.HasIndex(s => new { s.Active, s.NextAttemptAt });
        });

        modelBuilder.Entity<WebhookDeadLetter>(e =>
        {
            e.ToTable("webhook_dead_letters");
            e.HasKey(d => d.Id);
            e.Property(d => d.LastError).HasMaxLength(500);
            e.HasIndex(d => new { d.SubscriptionId, d.ChangeSequence });
        });

        // Every time is UTC; SQLite returns it without a kind, so say so on read (clients then see the trailing Z).
        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var utcOrNull = new ValueConverter<DateTime?, DateTime?>(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.ClrType == typeof(DateTime)) property.SetValueConverter(utc);
            else if (property.ClrType == typeof(DateTime?)) property.SetValueConverter(utcOrNull);
        }
    }
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteReferralsDbContext(DbContextOptions<SqliteReferralsDbContext> options) : ReferralsDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresReferralsDbContext(DbContextOptions<PostgresReferralsDbContext> options) : ReferralsDbContext(options);

internal sealed class SqliteReferralsDesignTimeFactory : SqliteDesignTimeFactory<SqliteReferralsDbContext>;

internal sealed class PostgresReferralsDesignTimeFactory : PostgresDesignTimeFactory<PostgresReferralsDbContext>;
