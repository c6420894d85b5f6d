using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Pages.Account;

/// <summary>
/// Sign-out is a POST with an antiforgery token, so another site cannot sign a person out behind their back. It ends
/// the session on the server, twice: the portal deletes its session row (a copy of the old portal cookie is refused at
/// its next request, PortalSessionCheck), and the browser goes through the gateway's end-session endpoint (with the
/// identity token as hint), which changes the account's security stamp: the gateway's own cookie and every refresh
/// token of the person stop working, on this device and any other. Then back to the portal's signed-out page.
/// </summary>
public sealed class SignOutModel(PortalDbContext db, ILogger<SignOutModel> logger) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var done = new AuthenticationProperties { RedirectUri = PortalSignIn.SignInPath + "?signedOut=true" };
        // /account pages are anonymous, so the cookie is read here on purpose (User holds only the API scheme's result).
        var session = await HttpContext.AuthenticateAsync(PortalSignIn.Scheme);
        if (session.Principal is not { } person) return SignOut(done, PortalSignIn.Scheme);

        await PortalSessions.EndAsync(db, person.FindFirstValue(PortalSignIn.SessionClaim), HttpContext.RequestAborted);
        logger.LogInformation("Portal person {UserId} signed out", person.FindFirstValue(HubClaims.Subject));
        // The gateway first (it reads the identity token from this session), then the portal's cookie.
        return SignOut(done, PortalSignIn.Gateway, PortalSignIn.Scheme);
    }
}
