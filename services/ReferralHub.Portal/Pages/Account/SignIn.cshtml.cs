using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Pages.Account;

public sealed class SignInModel(
    SignInManager<PortalUser> signIn,
    IStringLocalizer<PortalText> text,
    IOptions<IdentityOptions> identity,
    PortalDbContext db,
    IConfiguration configuration,
    ILogger<SignInModel> logger) : PageModel
{
    public string? Email { get; private set; }

    public string? Error { get; private set; }

    public string ReturnUrl { get; private set; } = "/";

    public bool SignedOut { get; private set; }

    public void OnGet(string? returnUrl, bool signedOut = false)
    {
        ReturnUrl = LocalOrHome(returnUrl);
        SignedOut = signedOut;
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl)
    {
        ReturnUrl = LocalOrHome(returnUrl);
        Email = email;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            Error = text["SignIn.Required"];
            return Page();
        }

        var user = await signIn.UserManager.FindByEmailAsync(email.Trim());
        var result = user is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("Portal user {UserId} signed in", user!.Id);
            // The language the person chose on another device or browser comes with them.
            var chosen = await db.Set<PersonSettings>().Where(s => s.UserId == user.Id).Select(s => s.Culture).SingleOrDefaultAsync();
            if (PortalCultures.Supported(configuration).FirstOrDefault(c => c.Name == chosen) is { } culture) PortalLanguage.Remember(Response, culture);
            return LocalRedirect(ReturnUrl);
        }

        if (result.IsLockedOut && AgencyUserAdmin.IsDisabled(user!))
        {
            // Say "disabled" only to someone who knows the password; anyone else gets the usual answer.
            Error = await signIn.UserManager.CheckPasswordAsync(user!, password) ? text["SignIn.Disabled"] : text["SignIn.Invalid"];
        }
        else if (result.IsLockedOut)
        {
            logger.LogWarning("Portal user {UserId} is locked out", user!.Id);
            Error = text["SignIn.LockedOut", (int)identity.Value.Lockout.DefaultLockoutTimeSpan.TotalMinutes];
        }
        else
        {
            // The same answer whether the e-mail exists or not: accounts cannot be probed.
            Error = text["SignIn.Invalid"];
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private string LocalOrHome(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
