using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Gateway;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Gateway.Accounts;

/// <summary>
/// What an agency admin does to their own agency's people: invite, change roles, disable, enable, reset. Every
/// operation takes the admin's agency from their token and finds the person only within it: a person of another agency
/// is "not found", whatever id is sent.
/// </summary>
public sealed class AgencyPeople(GatewayDbContext db, UserManager<PersonAccount> users, TimeProvider clock, ILogger<AgencyPeople> logger)
{
    /// <summary>
    /// Roles an agency admin may give people of their agency. Coordinator (every agency's figures) and
    /// pathway-maintainer (an area's pathways) reach beyond the agency and operators never use the portal:
    /// those accounts are made by the hub's operators.
    /// </summary>
    public static IReadOnlyList<string> AssignableRoles { get; } = [Roles.Referrer, Roles.Provider, Roles.Supervisor, Roles.AgencyAdmin];

    /// <summary>Disabled = locked out until the end of time; a lockout after wrong passwords ends by itself.</summary>
    public static readonly DateTimeOffset DisabledUntil = DateTimeOffset.MaxValue;

    public sealed record Member(PersonAccount User, IReadOnlyList<string> Roles, IReadOnlyList<string> Areas);

    /// <summary>Field → message; empty when the change was made.</summary>
    public sealed record Outcome(IReadOnlyDictionary<string, string> Errors, Member? Member = null, string? SetPasswordToken = null, bool NotFound = false)
    {
        public bool Ok => Errors.Count == 0 && !NotFound;
    }

    public static class Messages
    {
        public const string Email = "a valid e-mail address, at most 256 characters";
        public const string EmailTaken = "an account with this e-mail address exists already";
        public const string DisplayName = "required, at most 200 characters";
        public static readonly string RolesAllowed = "at least one of: " + string.Join(", ", AssignableRoles);
        public const string SelfAdmin = "you cannot take away your own agency-admin role; another admin of your agency can";
        public const string Self = "you cannot disable your own account";
    }

    public static bool IsDisabled(PersonAccount user) => user.LockoutEnd is { } end && end.Year >= 9999;

    /// <summary>The agency's people, by id, a page at a time.</summary>
    public async Task<IReadOnlyList<Member>> ListAsync(string agency, string? after, int take, CancellationToken ct)
    {
        var claims = db.Set<IdentityUserClaim<string>>();
        var memberIds = claims.Where(c => c.ClaimType == HubClaims.Agency && c.ClaimValue == agency).Select(c => c.UserId);
        var query = db.People.Where(u => memberIds.Contains(u.Id));
        if (after is not null) query = query.Where(u => string.Compare(u.Id, after) > 0);
        var members = await query.OrderBy(u => u.Id).Take(take).ToListAsync(ct);
        var ids = members.Select(u => u.Id).ToList();
        var held = await claims.Where(c => ids.Contains(c.UserId) && (c.ClaimType == HubClaims.Role || c.ClaimType == HubClaims.Area))
            .Select(c => new { c.UserId, c.ClaimType, c.ClaimValue }).ToListAsync(ct);
        return [.. members.Select(u => new Member(u,
            [.. held.Where(r => r.UserId == u.Id && r.ClaimType == HubClaims.Role).Select(r => r.ClaimValue!).Order(StringComparer.Ordinal)],
            [.. held.Where(r => r.UserId == u.Id && r.ClaimType == HubClaims.Area).Select(r => r.ClaimValue!).Order(StringComparer.Ordinal)]))];
    }

    /// <summary>The person, only if they belong to the agency.</summary>
    public async Task<Member?> FindAsync(string agency, string userId, CancellationToken ct)
    {
        var claims = db.Set<IdentityUserClaim<string>>();
        if (!await claims.AnyAsync(c => c.UserId == userId && c.ClaimType == HubClaims.Agency && c.ClaimValue == agency, ct)) return null;
        var user = await users.FindByIdAsync(userId);
        if (user is null) return null;
        var held = await claims.Where(c => c.UserId == userId && (c.ClaimType == HubClaims.Role || c.ClaimType == HubClaims.Area))
            .Select(c => new { c.ClaimType, c.ClaimValue }).ToListAsync(ct);
        return new Member(user,
            [.. held.Where(c => c.ClaimType == HubClaims.Role).Select(c => c.ClaimValue!).Order(StringComparer.Ordinal)],
            [.. held.Where(c => c.ClaimType == HubClaims.Area).Select(c => c.ClaimValue!).Order(StringComparer.Ordinal)]);
    }

    /// <summary>A new account without a password, and a one-time token to set one (the person's invitation).</summary>
    public async Task<Outcome> InviteAsync(string agency, string adminId, string? email, string? displayName, IReadOnlyList<string>? roles, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        email = email?.Trim();
        displayName = displayName?.Trim();
        var chosen = Chosen(roles);
        if (string.IsNullOrEmpty(email) || email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out _)) errors["email"] = Messages.Email;
        else if (await users.FindByEmailAsync(email) is not null) errors["email"] = Messages.EmailTaken;
        if (string.IsNullOrEmpty(displayName) || displayName.Length > 200) errors["displayName"] = Messages.DisplayName;
        if (chosen.Count == 0 || chosen.Any(r => !AssignableRoles.Contains(r))) errors["roles"] = Messages.RolesAllowed;
        else if (Roles.AsksAndAuthorises(chosen)) errors["roles"] = Roles.FourEyesMessage; // four eyes are two people
        if (errors.Count > 0) return new(errors);

        var user = new PersonAccount { UserName = email, Email = email, EmailConfirmed = false, DisplayName = displayName!, CreatedAt = clock.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user); // no password: nobody can sign in until the person sets one
        if (!created.Succeeded)
        {
            // Taken meanwhile, or characters Identity does not allow in a user name.
            var taken = created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName");
            return new(new Dictionary<string, string> { ["email"] = taken ? Messages.EmailTaken : Messages.Email });
        }
        Check(await users.AddClaimsAsync(user, [new Claim(HubClaims.Agency, agency), .. chosen.Select(r => new Claim(HubClaims.Role, r))]));
        logger.LogInformation("Person {UserId} of agency {Agency} invited by {AdminId}", user.Id, agency, adminId);
        return new(Empty, new Member(user, [.. chosen.Order(StringComparer.Ordinal)], []), await SetPasswordTokenAsync(user));
    }

    /// <summary>
    /// Replaces the roles an agency admin may give (<see cref="AssignableRoles"/>); roles the hub's operators gave
    /// (coordinator, pathway-maintainer) stay. The security stamp changes, so the person's session ends and their next
    /// token carries the new roles. An admin cannot take away their own agency-admin role (another admin must), so an
    /// agency is never left without one by mistake.
    /// </summary>
    public async Task<Outcome> SetRolesAsync(string agency, string adminId, string userId, IReadOnlyList<string>? roles, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFoundOutcome;
        var chosen = Chosen(roles);
        var kept = member.Roles.Where(r => !AssignableRoles.Contains(r)).ToList();
        var errors = new Dictionary<string, string>();
        if (chosen.Count == 0 || chosen.Any(r => !AssignableRoles.Contains(r))) errors["roles"] = Messages.RolesAllowed;
        else if (Roles.AsksAndAuthorises([.. chosen, .. kept])) errors["roles"] = Roles.FourEyesMessage;
        else if (member.User.Id == adminId && !chosen.Contains(Roles.AgencyAdmin)) errors["roles"] = Messages.SelfAdmin;
        if (errors.Count > 0) return new(errors);
        if (member.Roles.Except(kept).Order(StringComparer.Ordinal).SequenceEqual(chosen.Order(StringComparer.Ordinal))) return new(Empty, member); // nothing to change

        var removed = member.Roles.Where(r => AssignableRoles.Contains(r) && !chosen.Contains(r)).Select(r => new Claim(HubClaims.Role, r)).ToList();
        var added = chosen.Where(r => !member.Roles.Contains(r)).Select(r => new Claim(HubClaims.Role, r)).ToList();
        IReadOnlyList<string> now = [.. chosen.Concat(kept).Order(StringComparer.Ordinal)];
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (removed.Count > 0) Check(await users.RemoveClaimsAsync(member.User, removed));
            if (added.Count > 0) Check(await users.AddClaimsAsync(member.User, added));
            Check(await users.UpdateSecurityStampAsync(member.User));
            await PublishChangedAsync(agency, member with { Roles = now });
            await transaction.CommitAsync(ct);
        }
        logger.LogInformation("Person {UserId}: roles set to {Roles} by {AdminId}", userId, string.Join(",", now), adminId);
        return new(Empty, member with { Roles = now });
    }

    /// <summary>Disabling locks the account for good and changes its security stamp, so the person's session ends.</summary>
    public async Task<Outcome> DisableAsync(string agency, string adminId, string userId, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFoundOutcome;
        if (member.User.Id == adminId) return new(new Dictionary<string, string> { ["userId"] = Messages.Self });
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            Check(await users.SetLockoutEnabledAsync(member.User, true));
            Check(await users.SetLockoutEndDateAsync(member.User, DisabledUntil));
            Check(await users.UpdateSecurityStampAsync(member.User));
            await PublishChangedAsync(agency, member);
            await transaction.CommitAsync(ct);
        }
        logger.LogInformation("Person {UserId} disabled by {AdminId}", userId, adminId);
        return new(Empty, member);
    }

    public async Task<Outcome> EnableAsync(string agency, string adminId, string userId, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFoundOutcome;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            Check(await users.SetLockoutEndDateAsync(member.User, null));
            Check(await users.ResetAccessFailedCountAsync(member.User));
            await PublishChangedAsync(agency, member);
            await transaction.CommitAsync(ct);
        }
        logger.LogInformation("Person {UserId} enabled by {AdminId}", userId, adminId);
        return new(Empty, member);
    }

    /// <summary>
    /// Removes the password (the old one stops working now; open sessions end) and gives a new one-time token to set
    /// one. A disabled account stays disabled.
    /// </summary>
    public async Task<Outcome> ResetAsync(string agency, string adminId, string userId, CancellationToken ct)
    {
        if (await FindAsync(agency, userId, ct) is not { } member) return NotFoundOutcome;
        if (await users.HasPasswordAsync(member.User)) Check(await users.RemovePasswordAsync(member.User));
        Check(await users.UpdateSecurityStampAsync(member.User)); // also voids any earlier set-password link
        logger.LogInformation("Person {UserId}: password reset by {AdminId}", userId, adminId);
        return new(Empty, member, await SetPasswordTokenAsync(member.User));
    }

    /// <summary>
    /// Counts the change on the account and queues <see cref="PersonAccountChanged"/> with the account's state after
    /// it, saved with the account (the caller's transaction): the portal stops or resumes the person's notices and ends
    /// their sessions without waiting for their next sign-in. Ids and codes only: no name, e-mail or phone on the broker.
    /// </summary>
    private async Task PublishChangedAsync(string agency, Member member)
    {
        var account = member.User;
        account.AccountVersion++;
        db.PublishViaOutbox(new PersonAccountChanged(account.Id, agency, !IsDisabled(account), member.Roles, member.Areas,
            account.AccountVersion, clock.GetUtcNow().UtcDateTime), $"person-{account.Id}", clock);
        Check(await users.UpdateAsync(account)); // saves the count and the outbox row together (optimistic concurrency on the account)
    }

    private Task<string> SetPasswordTokenAsync(PersonAccount user) =>
        users.GenerateUserTokenAsync(user, PersonAccounts.SetPasswordTokenProvider, PersonAccounts.SetPasswordPurpose);

    // At most a handful of distinct roles exist: a longer list is not a list of roles.
    private static List<string> Chosen(IReadOnlyList<string>? roles) =>
        roles is { Count: > 20 } ? ["-"] : [.. (roles ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct()];

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static readonly Outcome NotFoundOutcome = new(Empty, NotFound: true);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Account change failed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
    }
}
