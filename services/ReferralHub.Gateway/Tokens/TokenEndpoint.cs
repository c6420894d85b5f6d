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
/// <c>POST /connect/token</c>, client-credentials grant. OpenIddict has already authenticated the client (hashed secret)
/// when this runs; here the token gets the client's agency, roles and areas, and the API audience.
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
        if (request.GrantType == PortalClient.GrantType)
            return IssueForPortalUser(request, auth.Value);
        if (!request.IsClientCredentialsGrantType())
            return Forbid(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");

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

    /// <summary>
    /// The portal-user grant. OpenIddict has authenticated the portal's client and checked it holds this grant's
    /// permission; the portal vouches for the person (it verified their password). The token is short-lived, names
    /// the person (<c>portal:{id}</c>) and the portal as authorised party, and never carries the operator role.
    /// </summary>
    private static IResult IssueForPortalUser(OpenIddictRequest request, HubAuthOptions auth)
    {
        var user = (string?)request.GetParameter(PortalClient.UserParameter);
        var agency = (string?)request.GetParameter(HubClaims.Agency);
        var roles = Values(request, HubClaims.Role);
        var areas = Values(request, HubClaims.Area);
        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrWhiteSpace(agency) || roles.Count == 0)
            return Forbid(Errors.InvalidRequest, $"The portal-user grant needs {PortalClient.UserParameter}, {HubClaims.Agency} and at least one {HubClaims.Role}.");
        if (roles.Except(PortalClient.AllowedRoles).FirstOrDefault() is { } refused)
            return Forbid(Errors.InvalidRequest, $"Role '{refused}' cannot be used through the portal.");
        if (Roles.AsksAndAuthorises(roles)) return Forbid(Errors.InvalidRequest, Roles.FourEyesMessage);

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, HubClaims.Subject, HubClaims.Role);
        identity.SetClaim(Claims.Subject, PortalClient.Subject(user));
        identity.SetClaim(Claims.AuthorizedParty, PortalClient.ClientId);
        identity.SetClaim(HubClaims.Agency, agency);
        identity.SetClaims(HubClaims.Role, [.. roles]);
        identity.SetClaims(HubClaims.Area, [.. areas]);
        identity.SetAudiences(auth.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetAccessTokenLifetime(PortalClient.TokenLifetime);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static List<string> Values(OpenIddictRequest request, string name)
    {
        // A repeated form field arrives as an array, a single one as a string.
        OpenIddictParameter? parameter = request.GetParameter(name);
        var values = (string?[]?)(Microsoft.Extensions.Primitives.StringValues)parameter ?? [];
        return [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).Distinct()];
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
