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

    /// <summary>What a callback carries (<see cref="WebhookFormats"/>): the hub's JSON event, or an R4 Subscription notification.</summary>
    public string Format { get; set; } = WebhookFormats.HubEvent;

    /// <summary>The FHIR Subscription's criteria as given (Task?status=…); null for a plain webhook.</summary>
    public string? Criteria { get; set; }

    /// <summary>Only changes to these hub statuses (comma-separated); null: every change.</summary>
    public string? StatusFilter { get; set; }

    /// <summary>Only changes of referrals addressed to this directory service; null: any.</summary>
    public Guid? ServiceFilter { get; set; }

    /// <summary>
    /// Whether this subscription is sent <paramref name="change"/>. A FHIR Subscription is about the agency's referrals'
    /// Tasks only (no transfer steps) and narrowed by its criteria; a plain webhook gets every change.
    /// </summary>
    public bool Wants(Model.ReferralChange change) =>
        Format != WebhookFormats.FhirRestHook
        || (change.Kind == Model.ReferralChange.ReferralKind
            && (StatusFilter is null || StatusFilter.Split(',').Contains(change.Status))
            && (ServiceFilter is null || change.ServiceId == ServiceFilter));
}

public static class WebhookFormats
{
    /// <summary>The hub's signed JSON event (docs/api.md §6).</summary>
    public const string HubEvent = "hub-event";

    /// <summary>An R4 Subscription rest-hook notification: the same signed POST, without payload (docs/fhir.md).</summary>
    public const string FhirRestHook = "fhir-rest-hook";

    public static readonly string[] All = [HubEvent, FhirRestHook];
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
