using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Forms;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// One person of the admin's agency: disable (their open sessions end at the next request), enable, or reset (the old
/// password stops working; a new one-time link is shown once). A person of another agency is "not found" (404),
/// whether the id is typed or posted by a forged form. Every post redirects to the page (post/redirect/get): a refusal
/// comes back in the error summary, a reset's new link is shown once on the GET after the redirect.
/// </summary>
public sealed class UserModel(AgencyUserAdmin admin, TimeProvider clock, IStringLocalizer<PortalText> text, IOptions<DataProtectionTokenProviderOptions> tokens)
    : PageModel
{
    public AgencyUserAdmin.Member? Member { get; private set; }

    public string Status { get; private set; } = "";

    public bool IsSelf { get; private set; }

    public string? Message { get; private set; }

    public FormFailure? Failure { get; private set; }

    public SetPasswordLink.Issued? Issued { get; private set; }

    public int LinkHours => (int)tokens.Value.TokenLifespan.TotalHours;

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        if (done is "disabled" or "enabled") Message = text["User.Done." + done];
        Failure = FormFailure.Take(TempData);
        Issued = SetPasswordLink.Take(TempData, Response);
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
        // Shown once, on the GET after the redirect; the link travels in the TempData cookie, never in the URL.
        SetPasswordLink.Keep(TempData, null, SetPasswordLink.For(Request, id, outcome.SetPasswordToken!));
        return RedirectToPage(new { id });
    }

    private async Task<IActionResult> AfterAsync(string id, AgencyUserAdmin.Outcome outcome, string done, CancellationToken ct)
    {
        if (outcome.Ok) return RedirectToPage(new { id, done });
        if (AgencyUserAdmin.IsNotFound(outcome)) return NotFoundPage();
        // The page's forms have no fields: the refusal is the summary's title, in words.
        var message = string.Join(" ", outcome.Errors.Values.SelectMany(v => v).Select(k => text[k].Value));
        return FormFailure.RedirectBack(this, message, new Dictionary<string, string[]>(), new { id }, keepValues: false);
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
