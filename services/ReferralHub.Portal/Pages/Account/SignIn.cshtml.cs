using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Pages.Account;

/// <summary>
/// Sign-in with one answer for every failure (unknown e-mail, wrong password, locked, disabled, no password set yet):
/// the same page, the same status and the same work, so neither the words nor the timing tell whether an account
/// exists. The password hasher runs on every attempt (against a throwaway hash when there is no account to check).
/// </summary>
[EnableRateLimiting(PortalSignInLimit.Policy)]
public sealed class SignInModel(
    SignInManager<PortalUser> signIn,
    SignInPasswordCheck passwords,
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
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var users = signIn.UserManager;
        var user = await users.FindByEmailAsync(email.Trim());
        // Always hash first, whatever the account's state: the cost of an attempt says nothing about the account.
        var passwordRight = await passwords.VerifyAsync(user, password);
        var blocked = user is null || PortalUser.IsDisabled(user) || await users.IsLockedOutAsync(user);
        if (user is not null && passwordRight && !blocked)
        {
            await users.ResetAccessFailedCountAsync(user);
            await signIn.SignInAsync(user, isPersistent: false);
            logger.LogInformation("Portal user {UserId} signed in", user.Id);
            // The language the person chose on another device or browser comes with them.
            var chosen = await db.Set<PersonSettings>().Where(s => s.UserId == user.Id).Select(s => s.Culture).SingleOrDefaultAsync();
            if (PortalCultures.Supported(configuration).FirstOrDefault(c => c.Name == chosen) is { } culture) PortalLanguage.Remember(Response, culture);
            return LocalRedirect(ReturnUrl);
        }

        if (user is not null && !blocked && !passwordRight)
        {
            // Counts towards the lockout; the person is told nothing different when it locks.
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user)) logger.LogWarning("Portal user {UserId} is locked out", user.Id);
        }
        Error = text["SignIn.Invalid", identity.Value.Lockout.MaxFailedAccessAttempts, (int)identity.Value.Lockout.DefaultLockoutTimeSpan.TotalMinutes];
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private string LocalOrHome(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
}
