using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// What an agency admin does to their own agency's portal accounts: invite, change roles, disable, enable, reset. Every operation
/// takes the admin's agency from their sign-in and finds the person only within it: a person of another agency is
/// "not found", whatever id a forged form posts.
/// </summary>
public sealed class AgencyUserAdmin(PortalDbContext db, UserManager<PortalUser> users, TimeProvider clock, ILogger<AgencyUserAdmin> logger)
{
    /// <summary>
    /// Roles an agency admin may give people of their agency. Coordinator (every agency's figures) and
    /// pathway-maintainer (an area's pathways) reach beyond the agency and operators never use the portal:
    /// those accounts are made by the hub's operators.
    /// </summary>
    public static IReadOnlyList<string> AssignableRoles { get; } = [Roles.Referrer, Roles.Provider, Roles.Supervisor, Roles.AgencyAdmin];

    /// <summary>Disabled = locked out until the end of time; a lockout after wrong passwords ends by itself.</summary>
    public static readonly DateTimeOffset DisabledUntil = DateTimeOffset.MaxValue;

    public sealed record Member(PortalUser User, IReadOnlyList<string> Roles);

    public sealed record Outcome(IReadOnlyDictionary<string, string[]> Errors, PortalUser? User = null, string? SetPasswordToken = null)
    {
        public bool Ok => Errors.Count == 0;
    }

    public static bool IsDisabled(PortalUser user) => user.LockoutEnd is { } end && end.Year >= 9999;

    public async Task<IReadOnlyList<Member>> ListAsync(string agency, CancellationToken ct)
    {
        var claims = db.Set<IdentityUserClaim<string>>();
        var memberIds = claims.Where(c => c.ClaimType == HubClaims.Agency && c.ClaimValue == agency).Select(c => c.UserId);
        var members = await db.Users.Where(u => memberIds.Contains(u.Id)).OrderBy(u => u.DisplayName).ToListAsync(ct);
        var ids = members.Select(u => u.Id).ToList();
        var roles = await claims.Where(c => ids.Contains(c.UserId) && c.ClaimType == HubClaims.Role)
            .Select(c => new { c.UserId, c.ClaimValue }).ToListAsync(ct);
        return [.. members.Select(u => new Member(u, [.. roles.Where(r => r.UserId == u.Id).Select(r => r.ClaimValue!).Order()]))];
    }

    /// <summary>The person, only if they belong to the agency.</summary>
    public async Task<Member?> FindAsync(string agency, string userId, CancellationToken ct)
    {
        var claims = db.Set<IdentityUserClaim<string>>();
        if (!await claims.AnyAsync(c => c.UserId == userId && c.ClaimType == HubClaims.Agency && c.ClaimValue == agency, ct)) return null;
        var user = await users.FindByIdAsync(userId);
        if (user is null) return null;
        var roles = await claims.Where(c => c.UserId == userId && c.ClaimType == HubClaims.Role).Select(c => c.ClaimValue!).OrderBy(r => r).ToListAsync(ct);
        return new Member(user, roles);
    }

    /// <summary>A new account without a password, and a one-time token to set one (the person's invitation).</summary>
    public async Task<Outcome> InviteAsync(string agency, ClaimsPrincipal admin, string? email, string? displayName, IReadOnlyList<string>? roles, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        email = email?.Trim();
        displayName = displayName?.Trim();
        var chosen = (roles ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct().ToList();
        if (string.IsNullOrEmpty(email) || email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out _)) errors["email"] = ["Users.Error.Email"];
        else if (await users.FindByEmailAsync(email) is not null) errors["email"] = ["Users.Error.EmailTaken"];
        if (string.IsNullOrEmpty(displayName) || displayName.Length > 200) errors["displayName"] = ["Users.Error.DisplayName"];
        if (chosen.Count == 0 || chosen.Any(r => !AssignableRoles.Contains(r))) errors["roles"] = ["Users.Error.Roles"];
        else if (Roles.AsksAndAuthorises(chosen)) errors["roles"] = ["Users.Error.FourEyes"]; // four eyes are two people
        if (errors.Count > 0) return new(errors);

        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = false, DisplayName = displayName!, CreatedAt = clock.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user); // no password: nobody can sign in until the person sets one
        if (!created.Succeeded)
        {
            // Taken meanwhile, or characters Identity does not allow in a user name.
            var taken = created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName");
            return new(new Dictionary<string, string[]> { ["email"] = [taken ? "Users.Error.EmailTaken" : "Users.Error.Email"] });
        }
        Check(await users.AddClaimsAsync(user, [new Claim(HubClaims.Agency, agency), .. chosen.Select(r => new Claim(HubClaims.Role, r))]));
        logger.LogInformation("Portal user {UserId} of agency {Agency} invited by {AdminId}", user.Id, agency, admin.FindFirstValue(HubClaims.Subject));
        return new(Empty, user, await users.GeneratePasswordResetTokenAsync(user));
    }

    /// <summary>
    /// Replaces the roles an agency admin may give (<see cref="AssignableRoles"/>); roles the hub's operators gave
    /// (coordinator, pathway-maintainer) stay. The security stamp changes, so the person's open session ends at its
    /// next request and their next sign-in (and token) carries the new roles. An admin cannot take away their own
    /// agency-admin role (another admin must), so an agency is never left without one by mistake.
    /// </summary>
    public async Task<Outcome> SetRolesAsync(string agency, ClaimsPrincipal admin, string userId, IReadOnlyList<string>? roles, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFound;
        var chosen = (roles ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct().ToList();
        var kept = member.Roles.Where(r => !AssignableRoles.Contains(r)).ToList();
        var errors = new Dictionary<string, string[]>();
        if (chosen.Count == 0 || chosen.Any(r => !AssignableRoles.Contains(r))) errors["roles"] = ["Users.Error.Roles"];
        else if (Roles.AsksAndAuthorises([.. chosen, .. kept])) errors["roles"] = ["Users.Error.FourEyes"];
        else if (member.User.Id == admin.FindFirstValue(HubClaims.Subject) && !chosen.Contains(Roles.AgencyAdmin)) errors["roles"] = ["Users.Error.SelfAdmin"];
        if (errors.Count > 0) return new(errors);
        if (member.Roles.Except(kept).Order().SequenceEqual(chosen.Order())) return new(Empty, member.User); // nothing to change

        var removed = member.Roles.Where(r => AssignableRoles.Contains(r) && !chosen.Contains(r)).Select(r => new Claim(HubClaims.Role, r)).ToList();
        var added = chosen.Where(r => !member.Roles.Contains(r)).Select(r => new Claim(HubClaims.Role, r)).ToList();
        if (removed.Count > 0) Check(await users.RemoveClaimsAsync(member.User, removed));
        if (added.Count > 0) Check(await users.AddClaimsAsync(member.User, added));
        Check(await users.UpdateSecurityStampAsync(member.User));
        logger.LogInformation("Portal user {UserId}: roles set to {Roles} by {AdminId}", userId, string.Join(",", chosen.Concat(kept).Order()), admin.FindFirstValue(HubClaims.Subject));
        return new(Empty, member.User);
    }

    /// <summary>
    /// Disabling locks the account for good and changes its security stamp, so a session open in a browser is refused
    /// at its next request (the stamp is re-checked on every request).
    /// </summary>
    public async Task<Outcome> DisableAsync(string agency, ClaimsPrincipal admin, string userId, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFound;
        if (member.User.Id == admin.FindFirstValue(HubClaims.Subject)) return new(new Dictionary<string, string[]> { ["user"] = ["Users.Error.Self"] });
        Check(await users.SetLockoutEnabledAsync(member.User, true));
        Check(await users.SetLockoutEndDateAsync(member.User, DisabledUntil));
        Check(await users.UpdateSecurityStampAsync(member.User));
        logger.LogInformation("Portal user {UserId} disabled by {AdminId}", userId, admin.FindFirstValue(HubClaims.Subject));
        return new(Empty, member.User);
    }

    public async Task<Outcome> EnableAsync(string agency, ClaimsPrincipal admin, string userId, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFound;
        Check(await users.SetLockoutEndDateAsync(member.User, null));
        Check(await users.ResetAccessFailedCountAsync(member.User));
        logger.LogInformation("Portal user {UserId} enabled by {AdminId}", userId, admin.FindFirstValue(HubClaims.Subject));
        return new(Empty, member.User);
    }

    /// <summary>
    /// Removes the password (the old one stops working now; open sessions end at their next request) and gives a new
    /// one-time link to set one. A disabled account stays disabled.
    /// </summary>
    public async Task<Outcome> ResetAsync(string agency, ClaimsPrincipal admin, string userId, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFound;
        if (await users.HasPasswordAsync(member.User)) Check(await users.RemovePasswordAsync(member.User));
        Check(await users.UpdateSecurityStampAsync(member.User)); // also voids any earlier set-password link
        logger.LogInformation("Portal user {UserId}: password reset by {AdminId}", userId, admin.FindFirstValue(HubClaims.Subject));
        return new(Empty, member.User, await users.GeneratePasswordResetTokenAsync(member.User));
    }

    private static readonly IReadOnlyDictionary<string, string[]> Empty = new Dictionary<string, string[]>();

    private static readonly Outcome NotFound = new(new Dictionary<string, string[]> { ["user"] = ["Users.Error.NotFound"] });

    public static bool IsNotFound(Outcome outcome) => outcome.Errors.TryGetValue("user", out var e) && e is ["Users.Error.NotFound"];

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Account change failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
    }
}
