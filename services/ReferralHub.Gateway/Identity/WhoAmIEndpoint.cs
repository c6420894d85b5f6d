using System.Security.Claims;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Gateway.Identity;

/// <summary><c>GET /api/v1/me</c>: what the hub sees in the caller's token; the first call an integrator makes.</summary>
internal static class WhoAmIEndpoint
{
    public static IEndpointRouteBuilder MapWhoAmI(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/me", (ClaimsPrincipal user) => TypedResults.Ok(new Caller(
                user.ClientOrUserId() ?? "",
                user.Agency() ?? "",
                user.HubRoles(),
                [.. user.FindAll(HubClaims.Area).Select(c => c.Value)])))
            .RequireAuthorization()
            .WithName("GetCaller")
            .WithTags("Identity");
        return app;
    }
}

public sealed record Caller(string Client, string Agency, IReadOnlyList<string> Roles, IReadOnlyList<string> Areas);
