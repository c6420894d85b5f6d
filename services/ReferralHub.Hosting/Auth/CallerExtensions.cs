using System.Security.Claims;

namespace ReferralHub.Hosting.Auth;

public static class CallerExtensions
{
    /// <summary>The caller's agency code from the token; every agency-scoped check starts here.</summary>
    public static string? Agency(this ClaimsPrincipal user) => user.FindFirstValue(HubClaims.Agency);

    public static string? ClientOrUserId(this ClaimsPrincipal user) => user.FindFirstValue(HubClaims.Subject);

    public static IReadOnlyList<string> HubRoles(this ClaimsPrincipal user) =>
        [.. user.FindAll(HubClaims.Role).Select(c => c.Value).Distinct().Order()];
}
