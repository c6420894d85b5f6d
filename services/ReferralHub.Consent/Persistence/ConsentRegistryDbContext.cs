using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Consent.Persistence;

/// <summary>The consent registry's own database: only this service reads or writes it.</summary>
public abstract class ConsentRegistryDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "consent";
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteConsentRegistryDbContext(DbContextOptions<SqliteConsentRegistryDbContext> options) : ConsentRegistryDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresConsentRegistryDbContext(DbContextOptions<PostgresConsentRegistryDbContext> options) : ConsentRegistryDbContext(options);

internal sealed class SqliteConsentRegistryDesignTimeFactory : SqliteDesignTimeFactory<SqliteConsentRegistryDbContext>;

internal sealed class PostgresConsentRegistryDesignTimeFactory : PostgresDesignTimeFactory<PostgresConsentRegistryDbContext>;
