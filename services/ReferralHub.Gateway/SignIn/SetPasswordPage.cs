using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using ReferralHub.Gateway.Accounts;
using static ReferralHub.Gateway.SignIn.IdentityPages;

namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// <c>/identity/set-password</c>: where an invitation or reset link (from <c>/api/v1/agency/users</c>) leads. The
/// person chooses their password; the link works once (setting the password changes the security stamp, which voids
/// the token) and not after its lifetime or a later reset. An unknown person and a bad or used token get the same words.
/// </summary>
public static class SetPasswordPage
{
    public const string Path = Prefix + "/set-password";

    public static IEndpointRouteBuilder MapSetPasswordPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ShowAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Path, SetAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ShowAsync(HttpContext context, string? user, string? token, UserManager<PersonAccount> users, IAntiforgery antiforgery)
    {
        if (await AccountForAsync(users, user, token) is null) return LinkNotValid();
        return Form(context, antiforgery, user!, token!, error: null);
    }

    private static async Task<IResult> SetAsync(HttpContext context, UserManager<PersonAccount> users, IAntiforgery antiforgery, ILoggerFactory logs)
    {
        if (!context.Request.HasFormContentType) return Expired();
        if (!await AntiforgeryHoldsAsync(antiforgery, context)) return Expired();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string user = form["user"].ToString(), token = form["token"].ToString(), password = form["password"].ToString(), confirm = form["confirm"].ToString();
        if (await AccountForAsync(users, user, token) is not { } account) return LinkNotValid();
        if (password != confirm) return Form(context, antiforgery, user, token, "The two passwords are not the same.");
        if (await users.HasPasswordAsync(account))
        {
            var removed = await users.RemovePasswordAsync(account);
            if (!removed.Succeeded) return Form(context, antiforgery, user, token, "The password could not be set; try again.");
        }
        var added = await users.AddPasswordAsync(account, password); // validators: at least 12 characters; changes the stamp
        if (!added.Succeeded)
            return Form(context, antiforgery, user, token, string.Join(" ", added.Errors.Select(e => e.Description)));
        account.EmailConfirmed = true; // the link reached them
        await users.UpdateAsync(account);
        await users.ResetAccessFailedCountAsync(account);
        logs.CreateLogger(typeof(SetPasswordPage)).LogInformation("Person {UserId} set their password", account.Id);
        return Page("Password set", $"<p role=\"status\">Your password is set. You can now sign in.</p><p><a href=\"{E(SignInPage.Path)}\">Sign in</a></p>");
    }

    /// <summary>The account, when the token is this person's unused, unexpired set-password token.</summary>
    private static async Task<PersonAccount?> AccountForAsync(UserManager<PersonAccount> users, string? user, string? token)
    {
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(token) || user.Length > 100 || token.Length > 2000) return null;
        var account = await users.FindByIdAsync(user);
        if (account is null || AgencyPeople.IsDisabled(account)) return null;
        return await users.VerifyUserTokenAsync(account, PersonAccounts.SetPasswordTokenProvider, PersonAccounts.SetPasswordPurpose, token) ? account : null;
    }

    private static IResult LinkNotValid() =>
        Page("Link not valid", "<p class=\"error\" role=\"alert\">This link is not valid: it was used already, it has expired, or a newer one was made. " +
            "Ask your agency's admin for a new link.</p>", StatusCodes.Status400BadRequest);

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, string user, string token, string? error) =>
        Page("Choose your password",
            (error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>") +
            $"<form method=\"post\" action=\"{E(Path)}\">{AntiforgeryField(antiforgery, context)}" +
            $"<input type=\"hidden\" name=\"user\" value=\"{E(user)}\"><input type=\"hidden\" name=\"token\" value=\"{E(token)}\">" +
            "<label for=\"password\">New password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"200\">" +
            "<p class=\"hint\">At least 12 characters. A few words you remember make a good password.</p>" +
            "<label for=\"confirm\">The same password again</label><input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"200\">" +
            "<button type=\"submit\">Set password</button></form>",
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
}
