using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Portal.Notifications;

/// <summary>
/// E-mail through MailKit: to the configured SMTP server, or, without one, as .eml files in the pickup folder (the
/// embedded default). Plain text only: small on a poor connection, readable on any phone, nothing to render.
/// </summary>
internal sealed class EmailChannel(IOptions<NotificationOptions> options, IConfiguration configuration, IHostEnvironment environment) : INotificationChannel
{
    public string Name => "email";

    public bool CanReach(NotificationRecipient recipient) => !string.IsNullOrWhiteSpace(recipient.Email);

    public async Task SendAsync(NotificationRecipient recipient, NotificationMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var mail = new MimeMessage
        {
            Subject = message.Subject,
            Body = new TextPart("plain") { Text = message.Text },
            MessageId = $"{message.DeliveryId:N}@referralhub",
        };
        mail.From.Add(MailboxAddress.Parse(settings.Smtp.From));
        mail.To.Add(MailboxAddress.Parse(recipient.Email!));
        mail.Headers.Add("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to a notice
        mail.Headers.Add("Content-Language", recipient.Culture.Name);

        if (string.IsNullOrWhiteSpace(settings.Smtp.Host))
        {
            var folder = Directory.CreateDirectory(string.IsNullOrWhiteSpace(settings.PickupDirectory)
                ? Path.Combine(ServiceDatabase.DataDirectory(configuration, environment), "mail")
                : settings.PickupDirectory).FullName;
            await mail.WriteToAsync(Path.Combine(folder, $"{message.DeliveryId:N}.eml"), cancellationToken);
            return;
        }

        using var client = new SmtpClient();
        var security = settings.Smtp.Security.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(settings.Smtp.Host, settings.Smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
            await client.AuthenticateAsync(settings.Smtp.UserName, settings.Smtp.Password ?? "", cancellationToken);
        await client.SendAsync(mail, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}
