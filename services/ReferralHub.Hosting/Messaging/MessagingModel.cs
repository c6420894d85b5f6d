using Microsoft.EntityFrameworkCore;

namespace ReferralHub.Hosting.Messaging;

public static class MessagingModel
{
    /// <summary>Maps the outbox and inbox tables; called by <see cref="Persistence.ServiceDbContext"/>.</summary>
    public static ModelBuilder AddMessagingTables(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Sequence);
            outbox.Property(m => m.Sequence).ValueGeneratedOnAdd();
            outbox.HasIndex(m => m.Id).IsUnique();
            outbox.HasIndex(m => new { m.SentAt, m.Sequence });
            outbox.Property(m => m.AggregateId).HasMaxLength(200);
            outbox.Property(m => m.MessageType).HasMaxLength(500);
            outbox.Property(m => m.LastError).HasMaxLength(1000);
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(m => new { m.MessageId, m.Consumer });
            inbox.Property(m => m.Consumer).HasMaxLength(300);
            inbox.HasIndex(m => m.HandledAt);
        });

        return modelBuilder;
    }
}
