using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;

namespace ReferralHub.Consent.Persistence;

/// <summary>The consent registry's own database: only this service reads or writes it.</summary>
public abstract class ConsentRegistryDbContext(DbContextOptions options) : ServiceDbContext(options), IProtectionKeyContext
{
    public const string Name = "consent";

    public DbSet<ConsentVersion> Consents => Set<ConsentVersion>();

    public DbSet<ReleaseUse> ReleaseUses => Set<ReleaseUse>();

    public DbSet<ConsentOverride> Overrides => Set<ConsentOverride>();

    public DbSet<DecisionRecord> Decisions => Set<DecisionRecord>();

    /// <summary>Per-case keys of the free text above (override justifications, withhold reasons).</summary>
    public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddProtectionKeys();

        modelBuilder.Entity<ConsentVersion>(consent =>
        {
            consent.ToTable("consent_versions");
            consent.HasKey(c => c.Id);
            // One row per version of a case: two concurrent amendments or withdrawals cannot both become version n+1.
            consent.HasIndex(c => new { c.AgencyCode, c.CaseCode, c.Version }).IsUnique();
            consent.Property(c => c.AgencyCode).HasMaxLength(100);
            consent.Property(c => c.CaseCode).HasMaxLength(64);
            consent.Property(c => c.RecordedBy).HasMaxLength(200);
            consent.Property(c => c.AuthorisationGround).HasMaxLength(100);
            consent.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            consent.Property(c => c.GivenBy).HasConversion<string>().HasMaxLength(40);
            consent.OwnsMany(c => c.Withholds, withhold =>
            {
                withhold.ToJson();
                withhold.Property(w => w.Reason).HasConversion<string>();
            });
        });

        modelBuilder.Entity<ReleaseUse>(use =>
        {
            use.ToTable("release_uses");
            use.HasKey(u => u.SourceId);
            use.Property(u => u.SourceId).HasMaxLength(100);
            use.Property(u => u.ReleaseReference).HasMaxLength(200);
            use.Property(u => u.RecipientOrganisation).HasMaxLength(100);
            use.Property(u => u.Purpose).HasMaxLength(100);
        });

        modelBuilder.Entity<ConsentOverride>(entry =>
        {
            entry.ToTable("consent_overrides");
            entry.HasKey(o => o.Id);
            // An override covers exactly one release: a second one for the same reference is a conflict.
            entry.HasIndex(o => new { o.AgencyCode, o.CaseCode, o.ReleaseReference }).IsUnique();
            entry.HasIndex(o => o.AuthorisedAt);
            entry.Property(o => o.AgencyCode).HasMaxLength(100);
            entry.Property(o => o.CaseCode).HasMaxLength(64);
            entry.Property(o => o.ReleaseReference).HasMaxLength(200);
            entry.Property(o => o.Ground).HasMaxLength(100);
            entry.Property(o => o.Supervisor).HasMaxLength(200);
        });

        modelBuilder.Entity<DecisionRecord>(decision =>
        {
            decision.ToTable("consent_decisions");
            decision.HasKey(d => d.Id);
            decision.HasIndex(d => new { d.AgencyCode, d.CaseCode, d.DecidedAt });
            decision.HasIndex(d => new { d.AgencyCode, d.CaseCode, d.ReleaseReference });
            decision.HasIndex(d => d.DecidedAt);
            decision.Property(d => d.AgencyCode).HasMaxLength(100);
            decision.Property(d => d.CaseCode).HasMaxLength(64);
            decision.Property(d => d.RequestedBy).HasMaxLength(200);
            decision.Property(d => d.Channel).HasMaxLength(10);
            decision.Property(d => d.Purpose).HasMaxLength(100);
            decision.Property(d => d.RecipientOrganisation).HasMaxLength(100);
            decision.Property(d => d.ReleaseReference).HasMaxLength(200);
            decision.Property(d => d.Reason).HasMaxLength(40);
            // Tracked at every decision's insert: a comparer that does not build a delegate per call (see the class).
            decision.PrimitiveCollection(d => d.WithheldItems).Metadata.SetValueComparer(new StringListComparer());
        });
    }
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteConsentRegistryDbContext(DbContextOptions<SqliteConsentRegistryDbContext> options) : ConsentRegistryDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresConsentRegistryDbContext(DbContextOptions<PostgresConsentRegistryDbContext> options) : ConsentRegistryDbContext(options);

internal sealed class SqliteConsentRegistryDesignTimeFactory : SqliteDesignTimeFactory<SqliteConsentRegistryDbContext>;

internal sealed class PostgresConsentRegistryDesignTimeFactory : PostgresDesignTimeFactory<PostgresConsentRegistryDbContext>;
