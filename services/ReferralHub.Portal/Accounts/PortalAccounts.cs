using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Portal.HubApi;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// Individual portal accounts: ASP.NET Core Identity (PBKDF2 password hashes, lockout, security stamps) stored in the
/// portal's own database, signed in with a cookie that only the portal's pages accept. The APIs keep accepting bearer
/// tokens only, so a browser cookie can never call an API by itself (no cross-site request to an API can ride on it).
/// </summary>
public static class PortalAccounts
{
    public static IHostApplicationBuilder AddPortalAccounts(this IHostApplicationBuilder builder)
    {
        var lockout = builder.Configuration.GetSection("Portal:Lockout");
        builder.Services
            .AddIdentityCore<PortalUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Long passphrases rather than composition rules (NIST SP 800-63B); phones make symbols painful.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = lockout.GetValue("MaxFailedAttempts", 5);
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(lockout.GetValue("Minutes", 15));
                options.ClaimsIdentity.RoleClaimType = HubClaims.Role;
                options.ClaimsIdentity.UserIdClaimType = HubClaims.Subject;
                options.ClaimsIdentity.EmailClaimType = "email";
                options.ClaimsIdentity.UserNameClaimType = "name";
            })
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddUserStore<UserOnlyStore<PortalUser, PortalDbContext>>()
            .AddDefaultTokenProviders();

        builder.Services.AddAuthentication().AddIdentityCookies();
        var development = builder.Environment.IsDevelopment();
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "referralhub-portal";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // Secure everywhere except a developer's plain-http localhost.
            cookie.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.LoginPath = "/account/sign-in";
            cookie.LogoutPath = "/account/sign-out";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            // Replacing the events drops Identity's own stamp validator: PortalSessionCheck does that job, on every request.
            cookie.Events = new CookieAuthenticationEvents { OnRedirectToAccessDenied = WriteForbiddenAsync, OnValidatePrincipal = PortalSessionCheck.ValidateAsync };
        });
        // How long an invitation or reset link (a one-time set-password token) stays usable.
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o =>
            o.TokenLifespan = TimeSpan.FromHours(builder.Configuration.GetValue("Portal:SetPasswordLinkHours", 72)));
        builder.Services.AddAgencyAdministration();
        builder.Services.AddAuthorizationBuilder().AddPortalPolicies();
        builder.Services.AddScoped<IDatabaseSeeder<PortalDbContext>, DemoUserSeeder>();
        builder.Services.AddScoped<SignInPasswordCheck>();
        // The gateway asks the account store who a person is before it issues their token.
        builder.AddBusConsumers("portal", consumers => consumers.Add<PersonAccountResponder>());
        return builder;
    }

    /// <summary>A real 403 with a short page (not a redirect): the server refuses, whatever the browser shows.</summary>
    private static async Task WriteForbiddenAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var text = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<PortalText>>();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        var title = System.Net.WebUtility.HtmlEncode(text["Forbidden.Title"]);
        var body = System.Net.WebUtility.HtmlEncode(text["Forbidden.Body"]);
        var home = System.Net.WebUtility.HtmlEncode(text["Forbidden.Home"]);
        await context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{title}</title><link rel=\"stylesheet\" href=\"{PortalStyles.Path}\"></head><body><main><h1>{title}</h1><p>{body}</p>" +
            $"<p><a href=\"/\">{home}</a></p></main></body></html>");
    }
}
