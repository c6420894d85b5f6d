using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The agency admin's notices page: the defaults for the agency's people who did not choose, and the latest notices
/// to them with their delivery state (not delivered ones first), with "send again" for one given up on. The agency
/// always comes from the admin's sign-in: another agency's notice is "not found".
/// </summary>
public sealed class NoticesModel(PortalDbContext db, IOptions<NotificationOptions> options, TimeProvider clock, ReferralHub.Portal.Accounts.PortalProfiles profiles) : PageModel
{
    public const int Shown = 50;

    public sealed record Row(Guid Id, DateTime CreatedAt, string? Person, string Kind, string State, int Attempts, string? LastError, string Channel);

    public IReadOnlySet<string> Kinds { get; private set; } = new HashSet<string>();

    public bool Digest { get; private set; }

    public IReadOnlyList<Row> Deliveries { get; private set; } = [];

    public string? Message { get; private set; }

    private string Agency => User.FindFirst(HubClaims.Agency)!.Value;

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Message = done;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostDefaultsAsync(string[]? kinds, bool digest, CancellationToken ct)
    {
        var defaults = await db.Set<AgencyNoticeDefaults>().SingleOrDefaultAsync(d => d.AgencyCode == Agency, ct);
        if (defaults is null) db.Set<AgencyNoticeDefaults>().Add(defaults = new AgencyNoticeDefaults { AgencyCode = Agency, NoticeKinds = "" });
        defaults.NoticeKinds = NoticeKinds.Join(kinds ?? []);
        defaults.Digest = digest;
        defaults.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        defaults.UpdatedBy = User.FindFirst(HubClaims.Subject)?.Value;
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { done = "AgencyNotices.Saved" });
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, CancellationToken ct)
    {
        var delivery = await db.Set<NotificationDelivery>().SingleOrDefaultAsync(d => d.Id == id && d.AgencyCode == Agency, ct);
        if (delivery is null) return NotFound();
        if (delivery.State == DeliveryStates.Failed)
        {
            delivery.State = DeliveryStates.Pending;
            delivery.Attempts = 0;
            delivery.NextAttemptAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
        }
        return RedirectToPage(new { done = "AgencyNotices.SentAgain" });
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var defaults = await db.Set<AgencyNoticeDefaults>().AsNoTracking().SingleOrDefaultAsync(d => d.AgencyCode == Agency, ct);
        (Kinds, Digest) = NoticeQueue.Effective(null, defaults, options.Value);
        var rows = await db.Set<NotificationDelivery>().AsNoTracking().Where(d => d.AgencyCode == Agency)
            .OrderByDescending(d => d.State == DeliveryStates.Failed).ThenByDescending(d => d.CreatedAt).Take(Shown).ToListAsync(ct);
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        // The people's e-mail addresses as their last sign-in gave them (the portal's own profile, encrypted at rest).
        var emails = (await db.Set<ReferralHub.Portal.Accounts.PortalPerson>().AsNoTracking().Where(p => userIds.Contains(p.Id)).ToListAsync(ct))
            .ToDictionary(p => p.Id, p => profiles.Unprotect(p.Email));
        Deliveries = [.. rows.Select(r => new Row(r.Id, r.CreatedAt, emails.GetValueOrDefault(r.UserId), r.Kind, r.State, r.Attempts, r.LastError, r.Channel))];
    }
}
