using Microsoft.EntityFrameworkCore;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Gateway.Persistence;

/// <summary>The gateway's own database: OpenIddict's API clients (secrets hashed) and tokens, and people's accounts.</summary>
public abstract class GatewayDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "gateway";

    public DbSet<PersonAccount> People => Set<PersonAccount>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
        modelBuilder.AddPersonAccounts();
    }
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteGatewayDbContext(DbContextOptions<SqliteGatewayDbContext> options) : GatewayDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresGatewayDbContext(DbContextOptions<PostgresGatewayDbContext> options) : GatewayDbContext(options);

internal sealed class SqliteGatewayDesignTimeFactory : SqliteDesignTimeFactory<SqliteGatewayDbContext>;

internal sealed class PostgresGatewayDesignTimeFactory : PostgresDesignTimeFactory<PostgresGatewayDbContext>;
