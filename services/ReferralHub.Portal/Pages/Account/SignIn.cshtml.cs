using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Account;

/// <summary>
/// People sign in at the gateway (PortalSignIn): this address sends the browser there (the OpenID Connect challenge)
/// and back to <c>returnUrl</c>. It shows a page of its own only after sign-out, or when a sign-in at the gateway did
/// not complete, with a link to start again (never an automatic loop back to the gateway).
/// </summary>
public sealed class SignInModel : PageModel
{
    public bool SignedOut { get; private set; }

    public bool Refused { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl, bool signedOut = false, bool refused = false)
    {
        var target = !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        if (signedOut || refused)
        {
            (SignedOut, Refused) = (signedOut, refused);
            return Page();
        }
        // /account pages are anonymous, so the portal's cookie is read here on purpose.
        if ((await HttpContext.AuthenticateAsync(PortalSignIn.Scheme)).Succeeded) return LocalRedirect(target);
        return Challenge(new AuthenticationProperties { RedirectUri = target }, PortalSignIn.Gateway);
    }
}
