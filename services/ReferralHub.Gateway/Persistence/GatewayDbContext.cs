using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Gateway.Persistence;

/// <summary>The gateway's own database: OpenIddict's API clients (secrets hashed) and tokens.</summary>
public abstract class GatewayDbContext(DbContextOptions options) : ServiceDbContext(options)
{
    public const string Name = "gateway";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.UseOpenIddict();
    }
}

/// <summary>SQLite flavour (embedded default); exists so SQLite has its own migrations.</summary>
public sealed class SqliteGatewayDbContext(DbContextOptions<SqliteGatewayDbContext> options) : GatewayDbContext(options);

/// <summary>PostgreSQL flavour (distributed mode); exists so PostgreSQL has its own migrations.</summary>
public sealed class PostgresGatewayDbContext(DbContextOptions<PostgresGatewayDbContext> options) : GatewayDbContext(options);

internal sealed class SqliteGatewayDesignTimeFactory : SqliteDesignTimeFactory<SqliteGatewayDbContext>;

internal sealed class PostgresGatewayDesignTimeFactory : PostgresDesignTimeFactory<PostgresGatewayDbContext>;
