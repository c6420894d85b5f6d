using System.Globalization;

namespace ReferralHub.Portal.Notifications;

/// <summary>
/// The notifier seam: one way of reaching a person (e-mail is built; an SMS gateway is the next one agencies asked
/// for). A channel gets an already written, already translated message that carries no personal data about a child;
/// it only knows how to deliver it to the recipient's address. Throwing means "not delivered, try again later": the
/// sweep retries with back-off and, after <see cref="NotificationOptions.MaxAttempts"/>, shows the failure to the
/// agency admin. Register an implementation with <c>services.AddSingleton&lt;INotificationChannel, MyChannel&gt;()</c>;
/// docs/notifications.md shows an SMS example.
/// </summary>
public interface INotificationChannel
{
    /// <summary>Stored with each delivery ("email", "sms"); a person's deliveries go to the first channel that can reach them.</summary>
    string Name { get; }

    /// <summary>Whether the person has an address for this channel (an e-mail address, a phone number).</summary>
    bool CanReach(NotificationRecipient recipient);

    Task SendAsync(NotificationRecipient recipient, NotificationMessage message, CancellationToken cancellationToken);
}

/// <summary>A portal person as a channel sees them: their addresses and the language the message is written in.</summary>
public sealed record NotificationRecipient(string UserId, string? Email, string? PhoneNumber, CultureInfo Culture);

/// <summary>
/// A written notice: <see cref="Subject"/> and <see cref="Text"/> for a long channel (e-mail), <see cref="ShortText"/>
/// (one line with the link) for a short one (SMS). <see cref="DeliveryId"/> is stable across retries, so a receiving
/// system can drop a duplicate.
/// </summary>
public sealed record NotificationMessage(Guid DeliveryId, string Subject, string Text, string ShortText);
