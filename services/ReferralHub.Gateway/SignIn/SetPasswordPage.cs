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
        var text = IdentityText.For(context);
        if (await AccountForAsync(users, user, token) is null) return LinkNotValid(text);
        return Form(context, antiforgery, text, user!, token!, error: null);
    }

    private static async Task<IResult> SetAsync(HttpContext context, UserManager<PersonAccount> users, IAntiforgery antiforgery, ILoggerFactory logs)
    {
        if (!context.Request.HasFormContentType) return Expired(IdentityText.For(context));
        if (!await AntiforgeryHoldsAsync(antiforgery, context)) return Expired(IdentityText.For(context));
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var text = IdentityText.For(context);
        string user = form["user"].ToString(), token = form["token"].ToString(), password = form["password"].ToString(), confirm = form["confirm"].ToString();
        if (await AccountForAsync(users, user, token) is not { } account) return LinkNotValid(text);
        if (password != confirm) return Form(context, antiforgery, text, user, token, text["SetPassword.Mismatch"]);
        if (await users.HasPasswordAsync(account))
        {
            var removed = await users.RemovePasswordAsync(account);
            if (!removed.Succeeded) return Form(context, antiforgery, text, user, token, text["SetPassword.NotSet"]);
        }
        var added = await users.AddPasswordAsync(account, password); // validators: at least 12 characters; changes the stamp
        if (!added.Succeeded) // Identity's own descriptions are English only: the page says it in the person's words
            return Form(context, antiforgery, text, user, token,
                text[added.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordTooShort)) ? "SetPassword.TooShort" : "SetPassword.Refused"]);
        account.EmailConfirmed = true; // the link reached them
        await users.UpdateAsync(account);
        await users.ResetAccessFailedCountAsync(account);
        logs.CreateLogger(typeof(SetPasswordPage)).LogInformation("Person {UserId} set their password", account.Id);
        return Page(text, text["SetPassword.Done.Title"],
            $"<p role=\"status\">{E(text["SetPassword.Done"])}</p><p><a href=\"{E(SignInPage.Path + QueryString.Create("lang", text.Code))}\">{E(text["SignIn.Title"])}</a></p>");
    }

    /// <summary>The account, when the token is this person's unused, unexpired set-password token.</summary>
    private static async Task<PersonAccount?> AccountForAsync(UserManager<PersonAccount> users, string? user, string? token)
    {
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(token) || user.Length > 100 || token.Length > 2000) return null;
        var account = await users.FindByIdAsync(user);
        if (account is null || AgencyPeople.IsDisabled(account)) return null;
        return await users.VerifyUserTokenAsync(account, PersonAccounts.SetPasswordTokenProvider, PersonAccounts.SetPasswordPurpose, token) ? account : null;
    }

    private static IResult LinkNotValid(IdentityText text) =>
        Page(text, text["SetPassword.Invalid.Title"], $"<p class=\"error\" role=\"alert\">{E(text["SetPassword.Invalid"])}</p>", StatusCodes.Status400BadRequest);

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, IdentityText text, string user, string token, string? error) =>
        Page(text, text["SetPassword.Title"],
            (error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>") +
            $"<form method=\"post\" action=\"{E(Path)}\">{AntiforgeryField(antiforgery, context)}{LanguageField(text)}" +
            $"<input type=\"hidden\" name=\"user\" value=\"{E(user)}\"><input type=\"hidden\" name=\"token\" value=\"{E(token)}\">" +
            $"<label for=\"password\">{E(text["SetPassword.New"])}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"200\" aria-describedby=\"password-hint\">" +
            $"<p class=\"hint\" id=\"password-hint\">{E(text["SetPassword.Hint"])}</p>" +
            $"<label for=\"confirm\">{E(text["SetPassword.Confirm"])}</label><input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\" maxlength=\"200\">" +
            $"<button type=\"submit\">{E(text["SetPassword.Submit"])}</button></form>",
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
            // The language links keep the one-time link's own parameters (the person opened that address already).
            code => Path + QueryString.Create(new KeyValuePair<string, string?>[] { new("user", user), new("token", token), new("lang", code) }));
}
