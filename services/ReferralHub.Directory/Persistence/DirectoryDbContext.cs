using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Directory.Persistence;

/// <summary>The directory's own database: only this service reads or writes it.</summary>
public abstract class DirectoryDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "directory";
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteDirectoryDbContext(DbContextOptions<SqliteDirectoryDbContext> options) : DirectoryDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresDirectoryDbContext(DbContextOptions<PostgresDirectoryDbContext> options) : DirectoryDbContext(options);

internal sealed class SqliteDirectoryDesignTimeFactory : SqliteDesignTimeFactory<SqliteDirectoryDbContext>;

internal sealed class PostgresDirectoryDesignTimeFactory : PostgresDesignTimeFactory<PostgresDirectoryDbContext>;
