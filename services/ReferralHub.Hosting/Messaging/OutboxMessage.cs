namespace ReferralHub.Hosting.Messaging;

/// <summary>
/// A message written in the same transaction as the state change that caused it, published later by
/// <see cref="OutboxDispatcher{TContext}"/>. The body holds only ids, codes and encrypted envelopes: never clear personal data.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Also the MassTransit MessageId, so consumers' inboxes recognise a re-publish.</summary>
    public Guid Id { get; init; }

    /// <summary>Insertion order; messages of one aggregate are published in this order.</summary>
    public long Sequence { get; init; }

    /// <summary>The referral, consent, transfer … the message is about; ordering is per aggregate.</summary>
    public required string AggregateId { get; init; }

    public required string MessageType { get; init; }

    public required string Body { get; init; }

    public DateTime CreatedAt { get; init; }

    public DateTime? SentAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>Exception type and message of the last failed publish (transport errors only; no bodies).</summary>
    public string? LastError { get; set; }
}

/// <summary>One row per (message, consumer) already handled; written in the consumer's own transaction.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }

    public required string Consumer { get; init; }

    public DateTime HandledAt { get; init; }
}
