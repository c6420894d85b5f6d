using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Pages.Notifications;

/// <summary>
/// The person's own choices: the portal's language (remembered on the account and in a cookie; the browser's by
/// default) and which notices they get, one by one or in a daily summary (their agency's defaults until they choose).
/// </summary>
public sealed class IndexModel(PortalDbContext db, IOptions<NotificationOptions> options, IConfiguration configuration, ReferralHub.Portal.Accounts.PortalProfiles profiles) : PageModel
{
    public IReadOnlyList<CultureInfo> Cultures { get; private set; } = [];

    public string? Culture { get; private set; }

    public IReadOnlySet<string> Kinds { get; private set; } = new HashSet<string>();

    public bool Digest { get; private set; }

    public bool FollowsAgency { get; private set; }

    public string? Email { get; private set; }

    public bool Saved { get; private set; }

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostLanguageAsync(string? culture, CancellationToken ct)
    {
        var chosen = PortalCultures.Supported(configuration).FirstOrDefault(c => c.Name == culture);
        var settings = await SettingsAsync(ct);
        settings.Culture = chosen?.Name;
        await db.SaveChangesAsync(ct);
        PortalLanguage.Remember(Response, chosen);
        return RedirectToPage(new { saved = true });
    }

    public async Task<IActionResult> OnPostNoticesAsync(string[]? kinds, bool digest, bool agencyDefaults, CancellationToken ct)
    {
        var settings = await SettingsAsync(ct);
        settings.NoticeKinds = agencyDefaults ? null : NoticeKinds.Join(kinds ?? []);
        settings.Digest = agencyDefaults ? null : digest;
        await db.SaveChangesAsync(ct);
        return RedirectToPage(new { saved = true });
    }

    private async Task<PersonSettings> SettingsAsync(CancellationToken ct)
    {
        var userId = User.FindFirst(HubClaims.Subject)!.Value;
        var settings = await db.Set<PersonSettings>().SingleOrDefaultAsync(s => s.UserId == userId, ct);
        if (settings is null) db.Set<PersonSettings>().Add(settings = new PersonSettings { UserId = userId });
        return settings;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var userId = User.FindFirst(HubClaims.Subject)!.Value;
        var agency = User.FindFirst(HubClaims.Agency)?.Value ?? "";
        var own = await db.Set<PersonSettings>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, ct);
        var defaults = await db.Set<AgencyNoticeDefaults>().AsNoTracking().SingleOrDefaultAsync(d => d.AgencyCode == agency, ct);
        (Kinds, Digest) = NoticeQueue.Effective(own, defaults, options.Value);
        FollowsAgency = own?.NoticeKinds is null;
        Culture = own?.Culture;
        Cultures = PortalCultures.Supported(configuration);
        Email = profiles.Unprotect(await db.Set<ReferralHub.Portal.Accounts.PortalPerson>().Where(p => p.Id == userId).Select(p => p.Email).SingleOrDefaultAsync(ct));
    }
}
