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
        if (done is "disabled" or "enabled" or "roles") Message = text["User.Done." + done];
        Failure = FormFailure.Take(TempData);
        Issued = SetPasswordLink.Take(TempData, Response);
        return await ShowAsync(id, ct);
    }

    /// <summary>Whether the role's box is ticked: as the refused form had it, else as the account has it.</summary>
    public bool Chosen(string role) => Failure is { } failure && failure.Errors.ContainsKey("roles") ? failure.Chosen("roles", role) : Member?.Roles.Contains(role) == true;

    public string? FieldError(string field) => Failure?.Beside(text, "User", field);

    public async Task<IActionResult> OnPostRolesAsync(string id, List<string>? roles, CancellationToken ct) =>
        await AfterAsync(id, await admin.SetRolesAsync(User.Agency()!, User, id, roles, ct), "roles", ct);

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
        // A refused role change comes back with the boxes as ticked and the summary linked to them; the buttons-only
        // forms (disable) come back with the reason as the summary's title.
        var errors = outcome.Errors.Where(e => e.Key == "roles").ToDictionary(e => e.Key, e => e.Value.Select(k => text[k].Value).ToArray());
        var message = string.Join(" ", outcome.Errors.Where(e => e.Key != "roles").SelectMany(e => e.Value).Select(k => text[k].Value));
        return FormFailure.RedirectBack(this, message.Length > 0 ? message : text["Form.Fix"], errors, new { id }, keepValues: errors.Count > 0);
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
