using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>The agency admin's list of their own agency's portal users; another agency's users are never listed.</summary>
public sealed class UsersModel(PortalDbContext db, TimeProvider clock) : PageModel
{
    public string Agency { get; private set; } = "";

    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        // The folder policy guarantees the agency-admin role and an agency claim.
        Agency = User.Agency()!;
        var claims = db.Set<Microsoft.AspNetCore.Identity.IdentityUserClaim<string>>();
        var memberIds = claims.Where(c => c.ClaimType == HubClaims.Agency && c.ClaimValue == Agency).Select(c => c.UserId);
        var users = await db.Users.Where(u => memberIds.Contains(u.Id)).OrderBy(u => u.DisplayName).ToListAsync(cancellationToken);
        var ids = users.Select(u => u.Id).ToList();
        var roles = await claims.Where(c => ids.Contains(c.UserId) && c.ClaimType == HubClaims.Role)
            .Select(c => new { c.UserId, c.ClaimValue }).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        Users = [.. users.Select(u => new UserRow(
            u.DisplayName,
            u.Email ?? "",
            [.. roles.Where(r => r.UserId == u.Id).Select(r => r.ClaimValue!).Order()],
            u.LockoutEnd is { } end && end > now ? end.UtcDateTime : null))];
    }

    public sealed record UserRow(string DisplayName, string Email, IReadOnlyList<string> Roles, DateTime? LockedUntil);
}
