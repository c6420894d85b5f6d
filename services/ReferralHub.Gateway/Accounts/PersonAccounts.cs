using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Gateway.Accounts;

/// <summary>
/// People's accounts at the gateway, the hub's identity provider: ASP.NET Core Identity (PBKDF2 password hashes,
/// lockout, security stamps) stored in the gateway's own database. The gateway alone reads and writes them; the
/// portal's agency pages change them through <c>/api/v1/agency/users</c>.
/// </summary>
public static class PersonAccounts
{
    /// <summary>
    /// The name the one-time set-password token provider is registered under. Not Identity's "Default": while the
    /// portal module still registers its own Identity user type in the same process, the shared provider map must not
    /// name one type's provider for the other.
    /// </summary>
    public const string SetPasswordTokenProvider = "person-set-password";

    public const string SetPasswordPurpose = "SetPassword";

    public static IHostApplicationBuilder AddPersonAccounts(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        int Setting(string name, int fallback) =>
            configuration.GetValue<int?>($"Accounts:Lockout:{name}") ?? configuration.GetValue<int?>($"Portal:Lockout:{name}") ?? fallback;
        builder.Services
            .AddIdentityCore<PersonAccount>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Long passphrases rather than composition rules (NIST SP 800-63B); phones make symbols painful.
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = Setting("MaxFailedAttempts", 5);
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(Setting("Minutes", 15));
                options.ClaimsIdentity.RoleClaimType = HubClaims.Role;
                options.ClaimsIdentity.UserIdClaimType = HubClaims.Subject;
                options.ClaimsIdentity.EmailClaimType = "email";
                options.ClaimsIdentity.UserNameClaimType = "name";
            })
            .AddUserStore<UserOnlyStore<PersonAccount, GatewayDbContext>>()
            .AddTokenProvider<DataProtectorTokenProvider<PersonAccount>>(SetPasswordTokenProvider);
        // How long an invitation or reset link (a one-time set-password token) stays usable.
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o =>
            o.TokenLifespan = TimeSpan.FromHours(configuration.GetValue<int?>("Accounts:SetPasswordLinkHours") ?? configuration.GetValue("Portal:SetPasswordLinkHours", 72)));
        builder.Services.AddScoped<AgencyPeople>();
        builder.Services.AddScoped<PasswordCheck>();
        builder.Services.AddScoped<IDatabaseSeeder<GatewayDbContext>, DemoPeopleSeeder>();
        return builder;
    }
}
