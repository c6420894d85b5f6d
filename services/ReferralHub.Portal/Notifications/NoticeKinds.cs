namespace ReferralHub.Portal.Notifications;

/// <summary>The notices a person can choose (docs/notifications.md). Codes are stored; words come from PortalText.</summary>
public static class NoticeKinds
{
    /// <summary>A referral was offered to your organisation's service (provider focal points).</summary>
    public const string Offer = "offer";

    /// <summary>An offer to your service is still unanswered and its deadline is near (provider focal points).</summary>
    public const string OfferReminder = "offer-reminder";

    /// <summary>A case transfer's capacity request waits for your agency's answer (provider / case management focal points).</summary>
    public const string TransferCapacity = "transfer-capacity";

    /// <summary>A transfer of your agency waits for a supervisor's approval (supervisors).</summary>
    public const string Approval = "approval";

    /// <summary>Something you answer for was escalated: an offer or capacity request left unanswered (focal points of the area, the provider).</summary>
    public const string Escalation = "escalation";

    /// <summary>A day's notices in one message (never a choice itself: the digest setting decides).</summary>
    public const string Digest = "digest";

    public static IReadOnlyList<string> All { get; } = [Offer, OfferReminder, TransferCapacity, Approval, Escalation];

    public static string Join(IEnumerable<string> kinds) => string.Join(',', kinds.Where(All.Contains).Distinct().Order(StringComparer.Ordinal));

    public static IReadOnlySet<string> Parse(string? stored) =>
        (stored ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(All.Contains).ToHashSet(StringComparer.Ordinal);
}
