using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ReferralHub.Directory.Model;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Directory.Persistence;

/// <summary>The directory's own database: only this service reads or writes it.</summary>
public abstract class DirectoryDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "directory";

    public DbSet<Area> Areas => Set<Area>();

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<DirectoryService> Services => Set<DirectoryService>();

    public DbSet<Pathway> Pathways => Set<Pathway>();

    public DbSet<HistoryEntry> History => Set<HistoryEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        modelBuilder.Entity<Area>(e =>
        {
            e.ToTable("areas");
            e.HasKey(a => a.Code);
            e.Property(a => a.Code).HasMaxLength(Limits.Code);
            e.Property(a => a.Name).HasMaxLength(Limits.Name);
            e.Property(a => a.Level).HasMaxLength(Limits.Code);
            e.Property(a => a.ParentCode).HasMaxLength(Limits.Code);
            e.HasIndex(a => a.ParentCode);
            Json(e.Property(a => a.FocalPoints));
            Versioned(e);
        });

        modelBuilder.Entity<Organisation>(e =>
        {
            e.ToTable("organisations");
            e.HasKey(o => o.Id);
            e.Property(o => o.Code).HasMaxLength(Limits.Code);
            e.HasIndex(o => o.Code).IsUnique();
            e.Property(o => o.Name).HasMaxLength(Limits.Name);
            e.Property(o => o.Acronym).HasMaxLength(Limits.Code);
            e.Property(o => o.Kind).HasMaxLength(Limits.Code);
            e.Property(o => o.Website).HasMaxLength(Limits.Name);
            e.Property(o => o.Description).HasMaxLength(Limits.Description);
            Json(e.Property(o => o.FocalPoints));
            Versioned(e);
        });

        modelBuilder.Entity<DirectoryService>(e =>
        {
            e.ToTable("services");
            e.HasKey(s => s.Id);
            e.HasIndex(s => s.OrganisationId);
            e.HasIndex(s => s.ServiceType);
            e.Property(s => s.ServiceType).HasMaxLength(Limits.Code);
            e.Property(s => s.Name).HasMaxLength(Limits.Name);
            e.Property(s => s.Description).HasMaxLength(Limits.Description);
            e.Property(s => s.Hours).HasMaxLength(Limits.Text);
            e.Property(s => s.HowToRefer).HasMaxLength(Limits.Text);
            e.Property(s => s.CapacityNote).HasMaxLength(Limits.Text);
            e.Property(s => s.NotAcceptingReason).HasMaxLength(Limits.Text);
            Json(e.Property(s => s.AreaCodes));
            Json(e.Property(s => s.Sexes));
            Json(e.Property(s => s.ProtectionConcerns));
            Json(e.Property(s => s.Languages));
            Json(e.Property(s => s.FocalPoints));
            Versioned(e);
        });

        modelBuilder.Entity<Pathway>(e =>
        {
            e.ToTable("pathways");
            e.HasKey(p => p.Id);
            e.Property(p => p.AreaCode).HasMaxLength(Limits.Code);
            e.Property(p => p.ServiceType).HasMaxLength(Limits.Code);
            e.HasIndex(p => new { p.AreaCode, p.ServiceType }).IsUnique();
            Json(e.Property(p => p.ServiceIds));
            Versioned(e);
        });

        modelBuilder.Entity<HistoryEntry>(e =>
        {
            e.ToTable("history");
            e.HasKey(h => h.Id);
            e.Property(h => h.Id).ValueGeneratedOnAdd();
            e.Property(h => h.EntityKind).HasMaxLength(Limits.Code);
            e.Property(h => h.EntityId).HasMaxLength(Limits.Code);
            e.Property(h => h.Action).HasMaxLength(Limits.Code);
            e.Property(h => h.By).HasMaxLength(Limits.Name);
            e.Property(h => h.ByAgency).HasMaxLength(Limits.Code);
            e.HasIndex(h => new { h.EntityKind, h.EntityId, h.Version });
        });

        // Every time is stored in UTC; SQLite hands it back "unspecified": say UTC again so comparisons and JSON agree.
        var utc = new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        var utcNullable = new ValueConverter<DateTime?, DateTime?>(v => v, v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
        foreach (var type in new[] { typeof(Area), typeof(Organisation), typeof(DirectoryService), typeof(Pathway), typeof(HistoryEntry) })
            foreach (var property in modelBuilder.Entity(type).Metadata.GetProperties())
            {
                if (property.ClrType == typeof(DateTime)) property.SetValueConverter(utc);
                else if (property.ClrType == typeof(DateTime?)) property.SetValueConverter(utcNullable);
            }
    }

    private static void Versioned<T>(EntityTypeBuilder<T> e) where T : VersionedEntity
    {
        // Our own version column is the concurrency token: it works the same on SQLite and PostgreSQL.
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Property(x => x.UpdatedBy).HasMaxLength(Limits.Name);
        e.Property(x => x.LastReviewedBy).HasMaxLength(Limits.Name);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    // Small lists (codes, focal points) are stored as JSON text: identical on both providers, read whole, never queried inside.
    private static void Json<T>(PropertyBuilder<List<T>> property) =>
        property.HasConversion(
                v => JsonSerializer.Serialize(v, JsonOptions),
                v => JsonSerializer.Deserialize<List<T>>(v, JsonOptions) ?? new List<T>(),
                new ValueComparer<List<T>>(
                    (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
                    v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(),
                    v => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions)!))
            .IsRequired();
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteDirectoryDbContext(DbContextOptions<SqliteDirectoryDbContext> options) : DirectoryDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresDirectoryDbContext(DbContextOptions<PostgresDirectoryDbContext> options) : DirectoryDbContext(options);

internal sealed class SqliteDirectoryDesignTimeFactory : SqliteDesignTimeFactory<SqliteDirectoryDbContext>;

internal sealed class PostgresDirectoryDesignTimeFactory : PostgresDesignTimeFactory<PostgresDirectoryDbContext>;
