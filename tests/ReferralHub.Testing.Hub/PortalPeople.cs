using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Portal.Accounts;

namespace ReferralHub.Testing.Hub;

/// <summary>
/// Portal people for tests, made in the hub's real account stores (the gateway reads a person's agency, roles and areas
/// from it when it issues their token, so a test person must exist there to get one). While the accounts move from the
/// portal to the gateway (issue 19), a test person is made in both, with the same id.
/// </summary>
public static class PortalPeople
{
    public const string Password = "a-long-test-passphrase";

    /// <summary>Creates the account with this id (password <see cref="Password"/>) unless it exists; returns the id.</summary>
    public static async Task<string> EnsurePortalPersonAsync(this EmbeddedHubFactory hub, string id, string agency, string[] roles, string[]? areas = null)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var email = $"{id}@people.test";
        Claim[] claims = [new(HubClaims.Agency, agency), .. roles.Select(r => new Claim(HubClaims.Role, r)), .. (areas ?? []).Select(a => new Claim(HubClaims.Area, a))];
        var accounts = scope.ServiceProvider.GetRequiredService<UserManager<PersonAccount>>();
        if (await accounts.FindByIdAsync(id) is null)
        {
            var account = new PersonAccount { Id = id, UserName = email, Email = email, EmailConfirmed = true, DisplayName = id, CreatedAt = DateTime.UtcNow };
            Check(await accounts.CreateAsync(account, Password));
            Check(await accounts.AddClaimsAsync(account, claims));
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByIdAsync(id) is not null) return id;
        var user = new PortalUser { Id = id, UserName = email, Email = email, EmailConfirmed = true, DisplayName = id, CreatedAt = DateTime.UtcNow };
        Check(await users.CreateAsync(user, Password));
        Check(await users.AddClaimsAsync(user, claims));
        return id;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Test account not created: " + string.Join("; ", result.Errors.Select(e => e.Code)));
    }
}
