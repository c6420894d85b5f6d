using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// One person of the admin's agency: disable (their open sessions end at the next request), enable, or reset (the old
/// password stops working; a new one-time link is shown once). A person of another agency is "not found" (404),
/// whether the id is typed or posted by a forged form.
/// </summary>
public sealed class UserModel(AgencyUserAdmin admin, TimeProvider clock, IStringLocalizer<PortalText> text, IOptions<DataProtectionTokenProviderOptions> tokens)
    : PageModel
{
    public AgencyUserAdmin.Member? Member { get; private set; }

    public string Status { get; private set; } = "";

    public bool IsSelf { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public string? Link { get; private set; }

    public int LinkHours => (int)tokens.Value.TokenLifespan.TotalHours;

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        if (done is "disabled" or "enabled") Message = text["User.Done." + done];
        return await ShowAsync(id, ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await admin.DisableAsync(User.Agency()!, User, id, ct), "disabled", ct);

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) =>
        await AfterAsync(id, await admin.EnableAsync(User.Agency()!, User, id, ct), "enabled", ct);

    public async Task<IActionResult> OnPostResetAsync(string id, CancellationToken ct)
    {
        var outcome = await admin.ResetAsync(User.Agency()!, User, id, ct);
        if (!outcome.Ok) return await AfterAsync(id, outcome, "", ct);
        // Shown in this answer only (no redirect: the link must not sit in a URL or the history).
        Link = SetPasswordLink.For(Request, id, outcome.SetPasswordToken!);
        SetPasswordLink.NoStore(Response);
        return await ShowAsync(id, ct);
    }

    private async Task<IActionResult> AfterAsync(string id, AgencyUserAdmin.Outcome outcome, string done, CancellationToken ct)
    {
        if (outcome.Ok) return RedirectToPage(new { id, done });
        if (AgencyUserAdmin.IsNotFound(outcome)) return NotFoundPage();
        Error = string.Join(" ", outcome.Errors.Values.SelectMany(v => v).Select(k => text[k].Value));
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(id, ct);
    }

    private async Task<IActionResult> ShowAsync(string id, CancellationToken ct)
    {
        Member = await admin.FindAsync(User.Agency()!, id, ct);
        if (Member is null) return NotFoundPage();
        IsSelf = Member.User.Id == User.ClientOrUserId();
        Status = UsersModel.StatusOf(Member.User, clock.GetUtcNow(), text);
        return Page();
    }

    private PageResult NotFoundPage()
    {
        Member = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
