namespace ReferralHub.Portal.Notifications;

/// <summary>Configuration section <c>Notifications</c> (docs/notifications.md, docs/operations.md).</summary>
public sealed class NotificationOptions
{
    /// <summary>How often queued notices are sent, reminders looked for and digests made.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The portal's public address, for the sign-in link in every notice.</summary>
    public string PortalBaseUrl { get; set; } = "http://localhost:5080";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// Without <see cref="SmtpOptions.Host"/>, e-mails are written as .eml files here (default: the data folder's
    /// <c>mail/</c>), so the embedded hub needs nothing to start and a developer can open what would have been sent.
    /// </summary>
    public string? PickupDirectory { get; set; }

    /// <summary>Attempts before a notice is marked failed (then only the agency admin's "send again" retries it).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failure; doubled after each further one, up to <see cref="RetryMaxInterval"/>.</summary>
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Hour of the day (hub local time, Portal:TimeZone) at which daily digests go out.</summary>
    public int DigestHour { get; set; } = 7;

    /// <summary>How long before an offer's deadline its provider is reminded, per priority.</summary>
    public Dictionary<string, TimeSpan> RemindBefore { get; set; } = new(StringComparer.Ordinal)
    {
        ["high"] = TimeSpan.FromHours(6),
        ["medium"] = TimeSpan.FromHours(24),
        ["low"] = TimeSpan.FromHours(48),
    };

    /// <summary>The capacity answer deadline a transfer notice states (Transfers:CapacityAnswerWithin, three days).</summary>
    public TimeSpan CapacityAnswerWithin { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The notices an agency's people get until the agency admin sets other defaults: all of them, one by one.</summary>
    public string DefaultNoticeKinds { get; set; } = NoticeKinds.Join(NoticeKinds.All);
}

public sealed class SmtpOptions
{
    /// <summary>Empty = no SMTP server: e-mails go to the pickup folder.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>auto</c> (STARTTLS when offered), <c>starttls</c> (required), <c>tls</c> (implicit, port 465), <c>none</c>.</summary>
    public string Security { get; set; } = "auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "ReferralHub <no-reply@referralhub.invalid>";
}
