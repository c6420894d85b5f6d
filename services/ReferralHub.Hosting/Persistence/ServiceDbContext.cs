using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Messaging;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// Base for every service's own DbContext: adds the outbox and inbox tables so that a state change,
/// the messages it publishes and the messages it has handled commit in one transaction.
/// </summary>
public abstract class ServiceDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddMessagingTables();
        base.OnModelCreating(modelBuilder);
    }
}
