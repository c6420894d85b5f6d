using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Notifications;

namespace ReferralHub.Portal.Persistence;

/// <summary>The portal's own database: only this service reads or writes it.</summary>
public abstract class PortalDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "portal";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddPortalSessions();
        modelBuilder.AddNotifications();
        base.OnModelCreating(modelBuilder);
    }
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);

internal sealed class SqlitePortalDesignTimeFactory : SqliteDesignTimeFactory<SqlitePortalDbContext>;

internal sealed class PostgresPortalDesignTimeFactory : PostgresDesignTimeFactory<PostgresPortalDbContext>;
