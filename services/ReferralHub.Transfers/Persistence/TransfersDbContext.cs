using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Transfers.Persistence;

/// <summary>The transfer handover's own database: only this service reads or writes it.</summary>
public abstract class TransfersDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "transfers";
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteTransfersDbContext(DbContextOptions<SqliteTransfersDbContext> options) : TransfersDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresTransfersDbContext(DbContextOptions<PostgresTransfersDbContext> options) : TransfersDbContext(options);

internal sealed class SqliteTransfersDesignTimeFactory : SqliteDesignTimeFactory<SqliteTransfersDbContext>;

internal sealed class PostgresTransfersDesignTimeFactory : PostgresDesignTimeFactory<PostgresTransfersDbContext>;
