using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Portal.Pages.Account;

/// <summary>
/// Where an invited or reset person sets their password, with the one-time link their agency admin gave them. The
/// token is Identity's password-reset token: bound to the account's security stamp, so it works once (setting the
/// password changes the stamp), and a newer reset voids it.
/// </summary>
public sealed class SetPasswordModel(UserManager<PortalUser> users, IStringLocalizer<PortalText> text, ILogger<SetPasswordModel> logger) : PageModel
{
    public string? UserId { get; private set; }

    public string? Token { get; private set; }

    public string? Email { get; private set; }

    public bool LinkValid { get; private set; }

    public bool Done { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? user, string? token)
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer"; // the token is in this page's address
        if (await ValidUserAsync(user, token) is not { } account) return Invalid();
        (UserId, Token, Email, LinkValid) = (account.Id, token, account.Email, true);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? user, string? token, string? password, string? confirm)
    {
        Response.Headers.CacheControl = "no-store";
        Response.Headers["Referrer-Policy"] = "no-referrer"; // the form posts back to the address with the token
        if (await ValidUserAsync(user, token) is not { } account) return Invalid();
        (UserId, Token, Email, LinkValid) = (account.Id, token, account.Email, true);
        if (string.IsNullOrEmpty(password) || password != confirm)
        {
            Error = text["SetPassword.Mismatch"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var result = await users.ResetPasswordAsync(account, token!, password);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == "InvalidToken")) return Invalid();
            Error = result.Errors.Any(e => e.Code == "PasswordTooShort") ? text["SetPassword.TooShort"] : text["SetPassword.Failed"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        logger.LogInformation("Portal user {UserId} set their password", account.Id);
        Done = true;
        return Page();
    }

    private async Task<PortalUser?> ValidUserAsync(string? userId, string? token)
    {
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(token)) return null;
        var account = await users.FindByIdAsync(userId);
        if (account is null) return null;
        var valid = await users.VerifyUserTokenAsync(account, users.Options.Tokens.PasswordResetTokenProvider, UserManager<PortalUser>.ResetPasswordTokenPurpose, token);
        return valid ? account : null;
    }

    private PageResult Invalid()
    {
        LinkValid = false;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
