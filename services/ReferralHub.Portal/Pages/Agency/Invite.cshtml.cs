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
/// Invite a person of the admin's agency: the account is created without a password and the admin is shown, once, a
/// link that lets the person set one. The hub sends no e-mail: the admin passes the link on themselves.
/// Post/redirect/get both ways: a refused form comes back with everything typed and chosen and an error summary
/// linked to the fields; a created account's link is shown on the GET after the redirect, once.
/// </summary>
public sealed class InviteModel(AgencyUserAdmin admin, IStringLocalizer<PortalText> text, IOptions<DataProtectionTokenProviderOptions> tokens) : PageModel
{
    /// <summary>Where the summary's line for each field leads (the roles' first check box).</summary>
    public static readonly IReadOnlyDictionary<string, string> InputIds = new Dictionary<string, string>
    {
        ["roles"] = "role-" + AgencyUserAdmin.AssignableRoles[0],
    };

    public FormFailure? Failure { get; private set; }

    public SetPasswordLink.Issued? Issued { get; private set; }

    public int LinkHours => (int)tokens.Value.TokenLifespan.TotalHours;

    public string? Value(string field) => Failure?.Value(field);

    public bool Chosen(string role) => Failure?.Chosen("roles", role) == true;

    public string? FieldError(string field) => Failure?.Beside(text, "Invite", field);

    public void OnGet()
    {
        Failure = FormFailure.Take(TempData);
        Issued = SetPasswordLink.Take(TempData, Response);
    }

    public async Task<IActionResult> OnPostAsync(string? displayName, string? email, List<string>? roles, CancellationToken ct)
    {
        var outcome = await admin.InviteAsync(User.Agency()!, User, email, displayName, roles, ct);
        if (!outcome.Ok)
        {
            var errors = outcome.Errors.ToDictionary(e => e.Key, e => e.Value.Select(k => text[k].Value).ToArray());
            return FormFailure.RedirectBack(this, text["Form.Fix"], errors);
        }
        SetPasswordLink.Keep(TempData, outcome.User!.Email, SetPasswordLink.For(Request, outcome.User.Id, outcome.SetPasswordToken!));
        return RedirectToPage();
    }
}
