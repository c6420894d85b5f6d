using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;
using ReferralHub.Portal.Localisation;
using ReferralHub.Wire;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// One person of the admin's agency, read and changed at the gateway (<c>/api/v1/agency/users</c>, as the signed-in
/// admin): roles, disable (the person's session ends), enable or unlock, reset (the old password stops working; a new
/// one-time link is shown once). A person of another agency is "not found" (404) at the gateway, whether the id is
/// typed or posted by a forged form. Every post redirects to the page (post/redirect/get): a refusal comes back in
/// the error summary, a reset's new link is shown once on the GET after the redirect.
/// </summary>
public sealed class UserModel(AgencyUsersApi people, HubTime time, IStringLocalizer<PortalText> text) : PageModel
{
    public AgencyUserView? Member { get; private set; }

    public IHtmlContent Status { get; private set; } = HtmlString.Empty;

    public bool IsSelf { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public FormFailure? Failure { get; private set; }

    public SetPasswordLink.Issued? Issued { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        if (done is "disabled" or "enabled" or "unlocked" or "roles") Message = text["User.Done." + done];
        Failure = FormFailure.Take(TempData);
        Issued = SetPasswordLink.Take(this);
        return await ShowAsync(id, ct);
    }

    /// <summary>Whether the role's box is ticked: as the refused form had it, else as the account has it.</summary>
    public bool Chosen(string role) => Failure is { } failure && failure.Errors.ContainsKey("roles") ? failure.Chosen("roles", role) : Member?.Roles.Contains(role) == true;

    public string? FieldError(string field) => Failure?.FieldError(field);

    public async Task<IActionResult> OnPostRolesAsync(string id, List<string>? roles, CancellationToken ct) =>
        After(id, await people.SetRolesAsync(id, roles ?? [], ct), "roles");

    public async Task<IActionResult> OnPostDisableAsync(string id, CancellationToken ct) =>
        After(id, await people.DisableAsync(id, ct), "disabled");

    public async Task<IActionResult> OnPostEnableAsync(string id, CancellationToken ct) =>
        After(id, await people.EnableAsync(id, ct), "enabled");

    /// <summary>Ends a lockout after wrong passwords now (the gateway's enable clears it) rather than at its end.</summary>
    public async Task<IActionResult> OnPostUnlockAsync(string id, CancellationToken ct) =>
        After(id, await people.EnableAsync(id, ct), "unlocked");

    public async Task<IActionResult> OnPostResetAsync(string id, CancellationToken ct)
    {
        var result = await people.ResetAsync(id, ct);
        if (!result.Ok) return After(id, result, "");
        // Shown once, on the GET after the redirect; the link travels through ShownOnce, never in the URL.
        SetPasswordLink.Keep(this, null, result.Value!);
        return RedirectToPage(new { id });
    }

    private IActionResult After<T>(string id, ApiResult<T> result, string done)
    {
        if (result.Ok) return RedirectToPage(new { id, done });
        if (UserRefusals.NotFound(result)) return NotFoundPage();
        // A refused role change comes back with the boxes as ticked and the summary linked to them; a refused disable
        // (one's own account: the gateway's 409) comes back with the reason as the summary's title.
        var errors = UserRefusals.PerField(result, text);
        var roles = errors.Where(e => e.Key == "roles").ToDictionary(e => e.Key, e => e.Value);
        var title = result.Conflict ? text["Users.Error.Self"].Value
            : string.Join(" ", errors.Where(e => e.Key != "roles").SelectMany(e => e.Value));
        if (title.Length == 0) title = roles.Count > 0 ? text["Form.Fix"] : text["Users.Failed"];
        return FormFailure.RedirectBack(this, title, roles, new { id }, keepValues: roles.Count > 0);
    }

    private async Task<IActionResult> ShowAsync(string id, CancellationToken ct)
    {
        var result = await people.GetAsync(id, ct);
        if (UserRefusals.NotFound(result)) return NotFoundPage();
        if (!result.Ok)
        {
            Error = text["Users.Failed"];
            return Page();
        }
        Member = result.Value;
        IsSelf = Member!.Id == UserRefusals.PersonId(User);
        Status = UsersModel.StatusOf(Member, time, text);
        return Page();
    }

    private PageResult NotFoundPage()
    {
        Member = null;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
