using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Forms;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// Invite a person of the admin's agency: the gateway (the account store people sign in with) makes the account
/// without a password and answers, once, a link to its own set-password page, which this page shows once. The hub
/// sends no e-mail: the admin passes the link on themselves.
/// Post/redirect/get both ways: a refused form comes back with everything typed and chosen and an error summary
/// linked to the fields (every refusal at once, as the gateway names them); a created account's link is shown on the
/// GET after the redirect, once.
/// </summary>
public sealed class InviteModel(AgencyUsersApi people, IStringLocalizer<PortalText> text) : PageModel
{
    /// <summary>Where the summary's line for each field leads (the roles' first check box).</summary>
    public static readonly IReadOnlyDictionary<string, string> InputIds = new Dictionary<string, string>
    {
        ["roles"] = "role-" + UserRefusals.AssignableRoles[0],
    };

    public FormFailure? Failure { get; private set; }

    public SetPasswordLink.Issued? Issued { get; private set; }

    public string? Value(string field) => Failure?.Value(field);

    public bool Chosen(string role) => Failure?.Chosen("roles", role) == true;

    public string? FieldError(string field) => Failure?.FieldError(field);

    public void OnGet()
    {
        Failure = FormFailure.Take(TempData);
        Issued = SetPasswordLink.Take(this);
    }

    public async Task<IActionResult> OnPostAsync(string? displayName, string? email, List<string>? roles, CancellationToken ct)
    {
        var result = await people.InviteAsync(email, displayName, roles ?? [], ct);
        if (!result.Ok)
        {
            var errors = UserRefusals.PerField(result, text);
            return FormFailure.RedirectBack(this, errors.Count > 0 ? text["Form.Fix"] : text["Users.Failed"], errors);
        }
        SetPasswordLink.Keep(this, result.Value!.User.Email, result.Value);
        return RedirectToPage();
    }
}
