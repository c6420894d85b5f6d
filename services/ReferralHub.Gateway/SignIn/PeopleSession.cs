using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// The person's session at the identity provider: a cookie of the gateway's own (not the portal's), holding the
/// account id and its security stamp. The stamp is compared with the store's on every request, so sign-out (which
/// changes the stamp), disabling, a reset and a change of roles end the session at once, and a copy of an old cookie
/// is refused.
/// </summary>
public static class PeopleSession
{
    public const string Scheme = "referralhub-identity";
    public const string CookieName = "referralhub-identity";
    public const string StampClaim = "stamp";

    public static IHostApplicationBuilder AddPeopleSession(this IHostApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            // Lax: the portal's redirect to /connect/authorize is a top-level GET, which carries it.
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.LoginPath = SignInPage.Path;
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.Events = new CookieAuthenticationEvents { OnValidatePrincipal = ValidateAsync };
        });
        return builder;
    }

    public static ClaimsPrincipal PrincipalOf(PersonAccount account, string stamp) =>
        new(new ClaimsIdentity([new Claim(HubClaims.Subject, account.Id), new Claim(StampClaim, stamp)], Scheme, HubClaims.Subject, HubClaims.Role));

    /// <summary>The live account behind a session cookie, or null when the session has ended.</summary>
    public static async Task<PersonAccount?> AccountOfAsync(UserManager<PersonAccount> users, ClaimsPrincipal session)
    {
        var id = session.FindFirst(HubClaims.Subject)?.Value;
        var stamp = session.FindFirst(StampClaim)?.Value;
        if (id is null || stamp is null) return null;
        var account = await users.FindByIdAsync(id);
        if (account is null || AgencyPeople.IsDisabled(account) || account.PasswordHash is null) return null;
        var current = await users.GetSecurityStampAsync(account);
        return current is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(current), System.Text.Encoding.UTF8.GetBytes(stamp)) ? account : null;
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<PersonAccount>>();
        if (context.Principal is null || await AccountOfAsync(users, context.Principal) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
