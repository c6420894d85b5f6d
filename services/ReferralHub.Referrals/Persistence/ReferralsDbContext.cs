using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Referrals.Persistence;

/// <summary>The referral routing's own database: only this service reads or writes it.</summary>
public abstract class ReferralsDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "referrals";
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteReferralsDbContext(DbContextOptions<SqliteReferralsDbContext> options) : ReferralsDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresReferralsDbContext(DbContextOptions<PostgresReferralsDbContext> options) : ReferralsDbContext(options);

internal sealed class SqliteReferralsDesignTimeFactory : SqliteDesignTimeFactory<SqliteReferralsDbContext>;

internal sealed class PostgresReferralsDesignTimeFactory : PostgresDesignTimeFactory<PostgresReferralsDbContext>;
