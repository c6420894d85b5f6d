using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using ReferralHub.Gateway.Accounts;
using static ReferralHub.Gateway.SignIn.IdentityPages;

namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// <c>/identity/sign-in</c>: the hub's one place where people type their password. Every failure — unknown e-mail,
/// wrong password, locked, disabled, no password set yet — gets the same page, status and words, after the same work
/// (the password hasher runs on every attempt, against a throwaway hash when there is none, and the lockout is read
/// after the hash, not instead of it). A wrong password for a real account counts towards its lockout. Success sets
/// the gateway's session cookie and returns to the authorization request that sent the person here.
/// </summary>
public static class SignInPage
{
    public const string Path = Prefix + "/sign-in";

    /// <summary>The one answer to every failure, in English (<see cref="IdentityText"/> <c>SignIn.Failed</c> has every language).</summary>
    public static string Failed => IdentityText.In("en")["SignIn.Failed"];

    public static IEndpointRouteBuilder MapSignInPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context, string? returnUrl, IAntiforgery antiforgery) =>
                Form(context, antiforgery, IdentityText.For(context, Local(returnUrl)), Local(returnUrl), "", error: false))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPost(Path, SignInAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext context, UserManager<PersonAccount> users, PasswordCheck passwords,
        IAntiforgery antiforgery, ILoggerFactory logs)
    {
        if (!context.Request.HasFormContentType || !await AntiforgeryHoldsAsync(antiforgery, context)) return Expired(IdentityText.For(context));
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = Local(form["returnUrl"].ToString());
        var text = IdentityText.For(context, returnUrl);
        if (email.Length > 256 || password.Length > 500) return Form(context, antiforgery, text, returnUrl, "", error: true);

        var account = email.Length == 0 ? null : await users.FindByEmailAsync(email);
        // The hash first, always: the time of the answer must not say whether the account exists.
        var passwordRight = passwords.Verify(account, password);
        var canSignIn = account is not null && !AgencyPeople.IsDisabled(account) && !await users.IsLockedOutAsync(account);
        if (account is not null && canSignIn && !passwordRight) await users.AccessFailedAsync(account);
        if (account is null || !canSignIn || !passwordRight)
        {
            logs.CreateLogger(typeof(SignInPage)).LogInformation("Sign-in refused");
            return Form(context, antiforgery, text, returnUrl, email, error: true);
        }

        await users.ResetAccessFailedCountAsync(account);
        var stamp = await users.GetSecurityStampAsync(account) ?? "";
        await context.SignInAsync(PeopleSession.Scheme, PeopleSession.PrincipalOf(account, stamp));
        logs.CreateLogger(typeof(SignInPage)).LogInformation("Person {UserId} signed in", account.Id);
        return Results.Redirect(returnUrl ?? SignedInPath);
    }

    public const string SignedInPath = Prefix + "/signed-in";

    public const string SignedOutPath = Prefix + "/signed-out";

    public static IEndpointRouteBuilder MapSignedInPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignedInPath, (HttpContext context) => Done(IdentityText.For(context), "SignedIn"))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet(SignedOutPath, (HttpContext context) => Done(IdentityText.For(context), "SignedOut"))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>Only back to this gateway's authorization endpoint: never an open redirect to another site.</summary>
    private static string? Local(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 4000 } && returnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal) && !returnUrl.Contains('\\')
            ? returnUrl : null;

    private static IResult Done(IdentityText text, string page) =>
        Page(text, text[page + ".Title"], $"<p role=\"status\">{E(text[page + ".Text"])}</p>");

    /// <summary>The form, in the person's language; the language links keep the return address (the authorization request).</summary>
    private static IResult Form(HttpContext context, IAntiforgery antiforgery, IdentityText text, string? returnUrl, string email, bool error) =>
        Page(text, text["SignIn.Title"],
            (error ? $"<p class=\"error\" role=\"alert\">{E(text["SignIn.Failed"])}</p>" : "") +
            $"<form method=\"post\" action=\"{E(Path)}\">{AntiforgeryField(antiforgery, context)}{LanguageField(text)}" +
            (returnUrl is null ? "" : $"<input type=\"hidden\" name=\"returnUrl\" value=\"{E(returnUrl)}\">") +
            $"<label for=\"email\">{E(text["SignIn.Email"])}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required maxlength=\"256\" dir=\"ltr\" value=\"{E(email)}\">" +
            $"<label for=\"password\">{E(text["SignIn.Password"])}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"500\">" +
            $"<button type=\"submit\">{E(text["SignIn.Submit"])}</button></form>" +
            $"<p class=\"hint\">{E(text["SignIn.Forgot"])}</p>",
            error ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
            code => Path + (returnUrl is null ? QueryString.Create("lang", code) : QueryString.Create(new KeyValuePair<string, string?>[] { new("returnUrl", returnUrl), new("lang", code) })));
}
