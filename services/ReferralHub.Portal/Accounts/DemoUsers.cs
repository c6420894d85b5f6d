using Microsoft.AspNetCore.Identity;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>One demo person per portal role (README.md, "Demo portal users"); Development only.</summary>
public static class DemoUsers
{
    /// <summary>Publicly known: which is why demo users exist only in Development.</summary>
    public const string Password = "referralhub-demo";

    public sealed record DemoUser(string Email, string DisplayName, string Agency, string[] Roles, string[] Areas);

    public static IReadOnlyList<DemoUser> All { get; } =
    [
        new("provider@agency-b.demo", "Provider focal point (agency B)", "agency-b", [Roles.Provider], []),
        new("focalpoint@district.demo", "Child protection focal point (demo district)", "district", [Roles.PathwayMaintainer], ["demo-district"]),
        new("supervisor@agency-a.demo", "Supervisor (agency A)", "agency-a", [Roles.Supervisor], []),
        new("coordinator@cluster.demo", "Coordinator (child protection cluster)", "cluster", [Roles.Coordinator], []),
        new("admin@agency-a.demo", "Agency admin (agency A)", "agency-a", [Roles.AgencyAdmin], []),
        // Transfers go to case management agencies (agency-a, agency-d in the demo directory); agency B is not one.
        new("casework@agency-d.demo", "Case management focal point (agency D)", "agency-d", [Roles.Provider], []),
    ];

    public static IEnumerable<Claim> ClaimsOf(DemoUser user) =>
        [new(HubClaims.Agency, user.Agency), .. user.Roles.Select(r => new Claim(HubClaims.Role, r)), .. user.Areas.Select(a => new Claim(HubClaims.Area, a))];
}

internal sealed class DemoUserSeeder(UserManager<PortalUser> users, IHostEnvironment environment, TimeProvider clock, ILogger<DemoUserSeeder> logger)
    : IDatabaseSeeder<PortalDbContext>
{
    public async Task SeedAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            // A database first started in Development must not keep publicly known passwords when it goes live.
            foreach (var demo in DemoUsers.All)
            {
                if (await users.FindByEmailAsync(demo.Email) is not { } stale) continue;
                await users.DeleteAsync(stale);
                logger.LogWarning("Removed demo portal user {UserId}: demo users exist only in Development", stale.Id);
            }
            return;
        }

        foreach (var demo in DemoUsers.All)
        {
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == demo.Email.ToUpperInvariant(), cancellationToken)) continue;
            // The same id as the demo person's account at the gateway (Gateway/Accounts/DemoPeople.IdOf).
            var user = new PortalUser { Id = "demo-" + demo.Email.Replace('@', '-').Replace('.', '-'), UserName = demo.Email, Email = demo.Email, EmailConfirmed = true, DisplayName = demo.DisplayName, CreatedAt = clock.GetUtcNow().UtcDateTime };
            Check(await users.CreateAsync(user, DemoUsers.Password));
            Check(await users.AddClaimsAsync(user, DemoUsers.ClaimsOf(demo)));
        }
        logger.LogInformation("Development environment: demo portal users exist; README.md, section 'Demo portal users', lists them");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Demo user seeding failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
    }
}
