using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// Checks the portal's session cookie on every request. The session must still be open in the portal's database
/// (sign-out deletes it, so a copy of the old cookie is refused at once). When the person's access token expires
/// within a minute, the refresh token is redeemed at the gateway, which checks the account again: new tokens go back
/// into the cookie; a refusal (signed out at the gateway, disabled, reset, other roles) ends the portal session too
/// and the person is sent to sign in. A session row also ends when the gateway says the person was disabled or given
/// other roles (<see cref="PersonAccountChangedConsumer"/>) and after its absolute lifetime (<see cref="PortalSessionOptions"/>).
/// </summary>
internal static class PortalSessionCheck
{
    private static readonly TimeSpan RefreshAhead = TimeSpan.FromMinutes(1);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var db = services.GetRequiredService<PortalDbContext>();
        var cancellationToken = context.HttpContext.RequestAborted;
        var sessionId = context.Principal?.FindFirstValue(PortalSignIn.SessionClaim);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var lifetime = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalSessionOptions>>().Value.AbsoluteLifetime;
        if (!await PortalSessions.IsOpenAsync(db, sessionId, now.UtcDateTime - lifetime, cancellationToken))
        {
            await RejectAsync(context);
            return;
        }

        var expiresAt = context.Properties.GetTokenValue("expires_at");
        if (DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiry) && expiry - now > RefreshAhead)
            return;

        var refreshed = await services.GetRequiredService<GatewayTokens>().RefreshAsync(context.Properties.GetTokenValue("refresh_token"), cancellationToken);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalSessionCheck));
        var personId = context.Principal!.FindFirstValue(HubClaims.Subject);
        if (refreshed is null)
        {
            logger.LogInformation("Portal person {UserId}: the gateway refused to renew the session; signed out", personId);
            await PortalSessions.EndAsync(db, sessionId, cancellationToken);
            await RejectAsync(context);
            return;
        }
        context.Properties.UpdateTokenValue("access_token", refreshed.AccessToken);
        if (refreshed.RefreshToken is { } refresh) context.Properties.UpdateTokenValue("refresh_token", refresh);
        if (refreshed.IdToken is { } id) context.Properties.UpdateTokenValue("id_token", id);
        context.Properties.UpdateTokenValue("expires_at", (now + TimeSpan.FromSeconds(refreshed.ExpiresIn)).ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(PortalSignIn.Scheme);
    }
}
