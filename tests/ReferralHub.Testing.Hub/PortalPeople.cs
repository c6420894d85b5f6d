using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Gateway.Accounts;

namespace ReferralHub.Testing.Hub;

/// <summary>
/// Portal people for tests, made in the hub's real account store, the gateway's (people sign in there and their token
/// carries what their account says). Sign them in with GatewaySignIn or PeopleSignIn; the portal knows a person (its
/// profile of them) from their first sign-in.
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
        return id;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException("Test account not created: " + string.Join("; ", result.Errors.Select(e => e.Code)));
    }
}
