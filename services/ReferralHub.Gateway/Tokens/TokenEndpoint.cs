using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using ReferralHub.Gateway.Identity;
using ReferralHub.Hosting.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ReferralHub.Gateway.Tokens;

/// <summary>
/// <c>POST /connect/token</c>: the client-credentials grant for agency systems (OpenIddict has already authenticated
/// the client, hashed secret; here the token gets the client's agency, roles and areas, and the API audience), and
/// the portal's authorization-code and refresh-token grants for people who signed in at the gateway
/// (AuthorizeEndpoint.RedeemAsync). No other grant exists: OpenIddict refuses any other grant type before this runs.
/// </summary>
internal static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", IssueAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext context, IOpenIddictApplicationManager applications, IOptions<HubAuthOptions> auth)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
            return await SignIn.AuthorizeEndpoint.RedeemAsync(context, request, auth.Value);
        if (!request.IsClientCredentialsGrantType())
            return Forbid(Errors.UnsupportedGrantType, "Only the client_credentials, authorization_code and refresh_token grants are supported.");

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted);
        if (application is null) return Forbid(Errors.InvalidClient, "Unknown client.");

        var properties = await applications.GetPropertiesAsync(application, context.RequestAborted);
        var clientRoles = Read<List<string>>(properties, ApiClientSeeder.RolesProperty) ?? [];
        // A client registered before the four-eyes rule could hold both roles: it gets no token until it is split.
        if (Roles.AsksAndAuthorises(clientRoles)) return Forbid(Errors.UnauthorizedClient, Roles.FourEyesMessage);
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, HubClaims.Subject, HubClaims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, context.RequestAborted));
        identity.SetClaim(HubClaims.Agency, Read<string>(properties, ApiClientSeeder.AgencyProperty));
        identity.SetClaims(HubClaims.Role, [.. clientRoles]);
        identity.SetClaims(HubClaims.Area, [.. Read<List<string>>(properties, ApiClientSeeder.AreasProperty) ?? []]);
        identity.SetAudiences(auth.Value.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);

        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static T? Read<T>(IReadOnlyDictionary<string, JsonElement> properties, string name) =>
        properties.TryGetValue(name, out var value) ? value.Deserialize<T>() : default;

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
