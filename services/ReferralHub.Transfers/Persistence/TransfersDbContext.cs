using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Bulk;
using ReferralHub.Transfers.Model;

namespace ReferralHub.Transfers.Persistence;

/// <summary>The transfer handover's own database: only this service reads or writes it.</summary>
public abstract class TransfersDbContext(DbContextOptions options) : ServiceDbContext(options), IProtectionKeyContext
{
    public const string Name = "transfers";

    public DbSet<Transfer> Transfers => Set<Transfer>();
    public DbSet<TransferItem> TransferItems => Set<TransferItem>();
    public DbSet<TransferAttachment> Attachments => Set<TransferAttachment>();
    public DbSet<TransferRelease> Releases => Set<TransferRelease>();
    public DbSet<TransferChange> Changes => Set<TransferChange>();
    public DbSet<CaseRecord> Cases => Set<CaseRecord>();
    public DbSet<BulkTransferJob> BulkJobs => Set<BulkTransferJob>();
    public DbSet<BulkTransferCase> BulkCases => Set<BulkTransferCase>();
    public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.AddProtectionKeys();

        modelBuilder.Entity<Transfer>(t =>
        {
            t.ToTable("transfers");
            t.HasKey(x => x.Id);
            foreach (var name in new[] { nameof(Transfer.SendingAgency), nameof(Transfer.ReceivingAgency), nameof(Transfer.CaseCode), nameof(Transfer.AreaCode) })
                t.Property(name).HasMaxLength(100);
            t.Property(x => x.RequestedBy).HasMaxLength(200);
            t.Property(x => x.IdempotencyKey).HasMaxLength(100);
            t.Property(x => x.Status).HasMaxLength(40);
            t.Property(x => x.OpenCaseKey).HasMaxLength(210);
            t.Property(x => x.Version).IsConcurrencyToken();
            t.HasIndex(x => x.OpenCaseKey).IsUnique();
            t.HasIndex(x => new { x.SendingAgency, x.IdempotencyKey }).IsUnique();
            t.HasIndex(x => new { x.SendingAgency, x.CaseCode });
            t.HasIndex(x => new { x.ReceivingAgency, x.Status });
            t.HasIndex(x => new { x.Status, x.CreatedAt });
            t.HasMany(x => x.Items).WithOne().HasForeignKey(i => i.TransferId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<TransferItem>(i =>
        {
            i.ToTable("transfer_items");
            i.HasKey(x => x.Id);
            i.Property(x => x.Item).HasMaxLength(60);
            i.HasIndex(x => new { x.TransferId, x.Item }).IsUnique();
        });
        modelBuilder.Entity<TransferAttachment>(a =>
        {
            a.ToTable("transfer_attachments");
            a.HasKey(x => x.Id);
            a.Property(x => x.Item).HasMaxLength(60);
            a.Property(x => x.ContentType).HasMaxLength(100);
            a.HasIndex(x => x.TransferId);
        });
        modelBuilder.Entity<TransferRelease>(r =>
        {
            r.ToTable("transfer_releases");
            r.HasKey(x => x.Id);
            r.Property(x => x.RecipientAgency).HasMaxLength(100);
            r.Property(x => x.RecipientCaseworkerId).HasMaxLength(100);
            r.HasIndex(x => x.TransferId).IsUnique(); // released once
        });
        modelBuilder.Entity<TransferChange>(c =>
        {
            c.ToTable("transfer_changes");
            c.HasKey(x => x.Sequence);
            c.Property(x => x.Sequence).ValueGeneratedOnAdd();
            c.Property(x => x.Status).HasMaxLength(40);
            c.HasIndex(x => x.TransferId);
        });
        modelBuilder.Entity<CaseRecord>(c =>
        {
            c.ToTable("case_records");
            c.HasKey(x => x.Id);
            c.Property(x => x.Agency).HasMaxLength(100);
            c.Property(x => x.CaseCode).HasMaxLength(100);
            c.Property(x => x.Status).HasMaxLength(40);
            c.HasIndex(x => new { x.Agency, x.CaseCode }).IsUnique();
        });
        modelBuilder.Entity<BulkTransferJob>(j =>
        {
            j.ToTable("bulk_jobs");
            j.HasKey(x => x.Id);
            j.Property(x => x.Agency).HasMaxLength(100);
            j.Property(x => x.IdempotencyKey).HasMaxLength(100);
            j.Property(x => x.Status).HasMaxLength(40);
            j.HasIndex(x => new { x.Agency, x.IdempotencyKey }).IsUnique();
            j.HasIndex(x => x.Status);
        });
        modelBuilder.Entity<BulkTransferCase>(c =>
        {
            c.ToTable("bulk_cases");
            c.HasKey(x => x.Id);
            c.Property(x => x.CaseCode).HasMaxLength(100);
            c.Property(x => x.Outcome).HasMaxLength(40);
            c.HasIndex(x => new { x.JobId, x.CaseCode }).IsUnique();
        });
    }
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteTransfersDbContext(DbContextOptions<SqliteTransfersDbContext> options) : TransfersDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresTransfersDbContext(DbContextOptions<PostgresTransfersDbContext> options) : TransfersDbContext(options);

internal sealed class SqliteTransfersDesignTimeFactory : SqliteDesignTimeFactory<SqliteTransfersDbContext>;

internal sealed class PostgresTransfersDesignTimeFactory : PostgresDesignTimeFactory<PostgresTransfersDbContext>;
