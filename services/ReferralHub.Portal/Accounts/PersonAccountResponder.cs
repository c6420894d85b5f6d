using System.Security.Cryptography;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Identity;
using ReferralHub.Contracts.Portal;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// Answers the gateway's <see cref="PortalPersonRequest"/> from the account store: the person's agency, roles and
/// areas as stored, whether the account may act at all, and whether the session the token is for is still live. This is what makes a person's token say what the
/// account says rather than what the token request claims (docs/security.md, "Portal people's tokens").
/// </summary>
public sealed class PersonAccountResponder(UserManager<PortalUser> users) : IConsumer<PortalPersonRequest>
{
    public async Task Consume(ConsumeContext<PortalPersonRequest> context)
    {
        var userId = context.Message.UserId;
        var user = string.IsNullOrWhiteSpace(userId) || userId.Length > 128 ? null : await users.FindByIdAsync(userId);
        if (user is null)
        {
            await context.RespondAsync(new PortalPersonAccount(userId ?? "", Found: false, Active: false, SessionCurrent: false, null, [], []));
            return;
        }
        var claims = await users.GetClaimsAsync(user);
        // A disabled account, or one whose password was removed (reset) or never set, acts for nobody.
        var active = !PortalUser.IsDisabled(user) && await users.HasPasswordAsync(user);
        var current = PortalClient.SessionProof(await users.GetSecurityStampAsync(user));
        var sessionCurrent = context.Message.SessionProof is { Length: > 0 } proof
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(proof), Encoding.UTF8.GetBytes(current));
        await context.RespondAsync(new PortalPersonAccount(
            user.Id,
            Found: true,
            active,
            sessionCurrent,
            claims.FirstOrDefault(c => c.Type == HubClaims.Agency)?.Value,
            [.. claims.Where(c => c.Type == HubClaims.Role).Select(c => c.Value).Distinct().Order()],
            [.. claims.Where(c => c.Type == HubClaims.Area).Select(c => c.Value).Distinct().Order()]));
    }
}
