using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Referrals;

/// <summary>
/// The provider focal point's inbox: referrals to their organisation's services, those waiting for an answer first
/// (overdue, then high priority, then the nearest deadline), with the time left. Only the minimal summary is here.
/// </summary>
public sealed class IndexModel(ReferralsApi referrals, IStringLocalizer<PortalText> text, TimeProvider clock) : PageModel
{
    private static readonly string[] Priorities = [.. ReferralHub.Contracts.Taxonomy.Priorities.All]; // most urgent first

    public IReadOnlyList<InboxItemView> Waiting { get; private set; } = [];

    public IReadOnlyList<InboxItemView> Active { get; private set; } = [];

    public IReadOnlyList<InboxItemView> Closed { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var inbox = await referrals.InboxAsync(ct);
        if (!inbox.Ok)
        {
            Error = inbox.Title ?? text["Referrals.Unavailable"];
            return;
        }
        var items = inbox.Value!;
        Waiting = [.. items.Where(i => i.Status == "offered")
            .OrderByDescending(i => i.Overdue)
            .ThenBy(i => Array.IndexOf(Priorities, i.Priority))
            .ThenBy(i => i.DeadlineAt ?? DateTime.MaxValue)];
        Active = [.. items.Where(i => i.Status is "accepted" or "in-service").OrderByDescending(i => i.AcceptedAt ?? i.OfferedAt)];
        Closed = [.. items.Where(i => i.Status is "completed" or "declined" or "withdrawn").OrderByDescending(i => i.OfferedAt).Take(50)];
    }

    /// <summary>"due in 5 h" / "overdue by 2 d": words, not colour.</summary>
    public string TimeLeft(InboxItemView item)
    {
        if (item.DeadlineAt is not { } deadline) return "";
        var left = deadline - clock.GetUtcNow().UtcDateTime;
        var span = left.Duration();
        var amount = span.TotalHours >= 48 ? text["Referrals.Days", (int)span.TotalDays].Value : text["Referrals.Hours", Math.Max(1, (int)span.TotalHours)].Value;
        return left < TimeSpan.Zero || item.Overdue ? text["Referrals.OverdueBy", amount] : text["Referrals.DueIn", amount];
    }
}
