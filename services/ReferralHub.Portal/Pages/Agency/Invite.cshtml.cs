using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// Invite a person of the admin's agency: the account is created without a password and the admin is shown, once, a
/// link that lets the person set one. The hub sends no e-mail: the admin passes the link on themselves.
/// </summary>
public sealed class InviteModel(AgencyUserAdmin admin, IStringLocalizer<PortalText> text, IOptions<DataProtectionTokenProviderOptions> tokens) : PageModel
{
    public string? DisplayName { get; private set; }

    public string? Email { get; private set; }

    public IReadOnlyList<string> Roles { get; private set; } = [];

    public string? Link { get; private set; }

    public int LinkHours => (int)tokens.Value.TokenLifespan.TotalHours;

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? FieldError(string field) => Errors.TryGetValue(field, out var keys) ? string.Join(" ", keys.Select(k => text[k].Value)) : null;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? displayName, string? email, List<string>? roles, CancellationToken ct)
    {
        (DisplayName, Email, Roles) = (displayName, email, roles ?? []);
        var outcome = await admin.InviteAsync(User.Agency()!, User, email, displayName, roles, ct);
        if (!outcome.Ok)
        {
            Errors = outcome.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Link = SetPasswordLink.For(Request, outcome.User!.Id, outcome.SetPasswordToken!);
        SetPasswordLink.NoStore(Response);
        return Page();
    }
}

/// <summary>The one-time link a person opens to set their password (invitation or reset).</summary>
public static class SetPasswordLink
{
    public static string For(HttpRequest request, string userId, string token) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}/account/set-password?user={Uri.EscapeDataString(userId)}&token={Uri.EscapeDataString(token)}";

    /// <summary>A page showing a link or secret once must not be kept by the browser or a proxy.</summary>
    public static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";
}
