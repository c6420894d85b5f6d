namespace ReferralHub.Referrals.Webhooks;

/// <summary>
/// A referring agency's callback: every status change of its referrals is POSTed in order, signed with the secret.
/// Delivery walks the change log with a cursor (<see cref="LastSequence"/>): one in-order stream per subscription.
/// </summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }

    public required string AgencyCode { get; set; }

    public required string Url { get; set; }

    /// <summary>The signing secret, encrypted under the agency's protection scope.</summary>
    public required string SecretProtected { get; set; }

    public bool Active { get; set; } = true;

    /// <summary>The last change delivered (or dead-lettered); delivery continues after it.</summary>
    public long LastSequence { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public int Version { get; set; }
}

/// <summary>A change that could not be delivered after every retry; an agency admin may re-send it.</summary>
public sealed class WebhookDeadLetter
{
    public Guid Id { get; set; }

    public Guid SubscriptionId { get; set; }

    public long ChangeSequence { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTime DeadAt { get; set; }

    public DateTime? ResentAt { get; set; }
}
