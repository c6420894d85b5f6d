using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so another site cannot sign a user out (or in) behind their back.</summary>
public sealed class SignOutModel(SignInManager<PortalUser> signIn) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return LocalRedirect("/account/sign-in?signedOut=true");
    }
}
