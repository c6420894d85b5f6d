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
            .AddUserStore<UserOnlyStore<PortalUser, PortalDbContext>>()
            .AddDefaultTokenProviders();

        // People sign in at the gateway (PortalSignIn); these Identity tables remain only until the agency pages and
        // notifications stop reading them (issue 19).
        builder.AddPortalSignIn();
        builder.Services.AddSingleton<PortalProfiles>();
        // How long an invitation or reset link (a one-time set-password token) stays usable.
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o =>
            o.TokenLifespan = TimeSpan.FromHours(builder.Configuration.GetValue("Portal:SetPasswordLinkHours", 72)));
        builder.Services.AddAgencyAdministration();
        builder.Services.AddAuthorizationBuilder().AddPortalPolicies();
        builder.Services.AddScoped<IDatabaseSeeder<PortalDbContext>, DemoUserSeeder>();
        return builder;
    }
}
