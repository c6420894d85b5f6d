using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Account;

/// <summary>
/// Sign-out is a POST with an antiforgery token, so another site cannot sign a user out (or in) behind their back.
/// It ends the session on the server, not only in this browser: the account's security stamp changes, so a copy of
/// the old cookie (kept by a shared computer, a proxy or a thief) is refused at its next request (PortalSessionCheck).
/// That also ends the person's sessions on other devices, which is what someone who signs out on a shared device wants.
/// </summary>
public sealed class SignOutModel(SignInManager<PortalUser> signIn, ILogger<SignOutModel> logger) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        // /account pages are anonymous, so the cookie is read here on purpose (User holds only the API scheme's result).
        var session = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (session.Principal is { } person && await signIn.UserManager.GetUserAsync(person) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
            logger.LogInformation("Portal user {UserId} signed out", user.Id);
        }
        await signIn.SignOutAsync();
        return LocalRedirect("/account/sign-in?signedOut=true");
    }
}
