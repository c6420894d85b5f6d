using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Gateway.Accounts;

/// <summary>One demo person per portal role (README.md, "Demo portal users"); Development only.</summary>
public static class DemoPeople
{
    /// <summary>Publicly known: which is why demo people exist only in Development.</summary>
    public const string Password = "referralhub-demo";

    public sealed record DemoPerson(string Email, string DisplayName, string Agency, string[] Roles, string[] Areas);

    public static IReadOnlyList<DemoPerson> All { get; } =
    [
        new("provider@agency-b.demo", "Provider focal point (agency B)", "agency-b", [Roles.Provider], []),
        new("focalpoint@district.demo", "Child protection focal point (demo district)", "district", [Roles.PathwayMaintainer], ["demo-district"]),
        new("supervisor@agency-a.demo", "Supervisor (agency A)", "agency-a", [Roles.Supervisor], []),
        new("coordinator@cluster.demo", "Coordinator (child protection cluster)", "cluster", [Roles.Coordinator], []),
        new("admin@agency-a.demo", "Agency admin (agency A)", "agency-a", [Roles.AgencyAdmin], []),
        // Transfers go to case management agencies (agency-a, agency-d in the demo directory); agency B is not one.
        new("casework@agency-d.demo", "Case management focal point (agency D)", "agency-d", [Roles.Provider], []),
    ];

    /// <summary>
    /// A demo person's account id, the same in the portal's account store (Portal/Accounts/DemoUsers) while people's
    /// accounts move to the gateway (issue 19): a person signed in at the portal is then the same person at the gateway
    /// (the agency people pages' "your own account" rules hold).
    /// </summary>
    public static string IdOf(string email) => "demo-" + email.Replace('@', '-').Replace('.', '-');

    public static IEnumerable<Claim> ClaimsOf(DemoPerson person) =>
        [new(HubClaims.Agency, person.Agency), .. person.Roles.Select(r => new Claim(HubClaims.Role, r)), .. person.Areas.Select(a => new Claim(HubClaims.Area, a))];
}

internal sealed class DemoPeopleSeeder(
    UserManager<PersonAccount> users, IPasswordHasher<PersonAccount> hasher, IHostEnvironment environment, TimeProvider clock, ILogger<DemoPeopleSeeder> logger)
    : IDatabaseSeeder<GatewayDbContext>
{
    public async Task SeedAsync(GatewayDbContext db, CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            // A database first started in Development must not keep publicly known passwords when it goes live.
            foreach (var demo in DemoPeople.All)
            {
                if (await users.FindByEmailAsync(demo.Email) is not { } stale) continue;
                await users.DeleteAsync(stale);
                logger.LogWarning("Removed demo person {UserId}: demo people exist only in Development", stale.Id);
            }
            return;
        }

        // One hash for all of them: the password is public and the same for every demo person, and each hash costs the
        // hasher's full work (PBKDF2, 100,000 rounds) — six of them were ~9 % of a fresh start's CPU (issue 17's profile).
        string? passwordHash = null;
        foreach (var demo in DemoPeople.All)
        {
            if (await db.People.AnyAsync(u => u.NormalizedEmail == demo.Email.ToUpperInvariant(), cancellationToken)) continue;
            var user = new PersonAccount { Id = DemoPeople.IdOf(demo.Email), UserName = demo.Email, Email = demo.Email, EmailConfirmed = true, DisplayName = demo.DisplayName, CreatedAt = clock.GetUtcNow().UtcDateTime };
            user.PasswordHash = passwordHash ??= hasher.HashPassword(user, DemoPeople.Password);
            Check(await users.CreateAsync(user));
            Check(await users.AddClaimsAsync(user, DemoPeople.ClaimsOf(demo)));
        }
        logger.LogInformation("Development environment: demo people exist; README.md, section 'Demo portal users', lists them");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Demo person seeding failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
    }
}
