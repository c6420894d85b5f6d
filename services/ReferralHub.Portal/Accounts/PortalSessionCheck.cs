using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// Checks the sign-in cookie against the account on every request: a person whose account was disabled, or whose
/// password was reset (both change the security stamp), is signed out at their next request, not at cookie expiry.
/// One lookup by key per page; the cookie itself is not re-issued, so responses stay small.
/// </summary>
internal static class PortalSessionCheck
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var principal = context.Principal;
        var user = principal?.FindFirstValue(HubClaims.Subject) is { } id ? await users.FindByIdAsync(id) : null;
        if (user is not null && !PortalUser.IsDisabled(user) && principal!.FindFirstValue(stampClaim) == await users.GetSecurityStampAsync(user))
            return;

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
