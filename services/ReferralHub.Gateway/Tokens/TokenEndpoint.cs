using System.Security.Claims;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using ReferralHub.Contracts.Portal;
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
            return await IssueForPortalUserAsync(context, request, auth.Value);
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
            return await SignIn.AuthorizeEndpoint.RedeemAsync(context, request, auth.Value);
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
    /// permission; the portal names the signed-in person and proves their session is live (a hash of the session's
    /// security stamp, which the store checks), and nothing more. Agency, roles and areas come from the
    /// account store's answer (<see cref="PortalPersonRequest"/>), never from the request: any <c>agency</c>,
    /// <c>role</c> or <c>area</c> field the caller adds is ignored. An unknown, disabled or password-less account, or
    /// a session that ended (signed out, disabled, reset), gets no token. The token is short-lived, names the person (<c>portal:{id}</c>) and the portal as authorised party,
    /// and never carries the operator role.
    /// </summary>
    private static async Task<IResult> IssueForPortalUserAsync(HttpContext context, OpenIddictRequest request, HubAuthOptions auth)
    {
        var user = (string?)request.GetParameter(PortalClient.UserParameter);
        var session = (string?)request.GetParameter(PortalClient.SessionParameter);
        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrWhiteSpace(session))
            return Forbid(Errors.InvalidRequest, $"The portal-user grant needs {PortalClient.UserParameter} and {PortalClient.SessionParameter}.");

        PortalPersonAccount account;
        try
        {
            var accounts = context.RequestServices.GetRequiredService<IRequestClient<PortalPersonRequest>>();
            account = (await accounts.GetResponse<PortalPersonAccount>(new PortalPersonRequest(user, session), context.RequestAborted, RequestTimeout.After(s: 10))).Message;
        }
        catch (RequestTimeoutException)
        {
            // The account store did not answer: no guessing, no token.
            return Forbid(Errors.TemporarilyUnavailable, "The account store did not answer; try again.");
        }
        // One answer for every refusal: a caller cannot tell an unknown id from a disabled account or an ended session.
        if (!account.Found || !account.Active || !account.SessionCurrent || string.IsNullOrWhiteSpace(account.Agency) || account.Roles.Count == 0)
            return Forbid(Errors.InvalidGrant, "No active portal account with this id.");
        if (account.Roles.Except(PortalClient.AllowedRoles).Any() || Roles.AsksAndAuthorises(account.Roles))
            return Forbid(Errors.InvalidGrant, "This account's roles cannot be used through the portal.");

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, HubClaims.Subject, HubClaims.Role);
        identity.SetClaim(Claims.Subject, PortalClient.Subject(account.UserId));
        identity.SetClaim(Claims.AuthorizedParty, PortalClient.ClientId);
        identity.SetClaim(HubClaims.Agency, account.Agency);
        identity.SetClaims(HubClaims.Role, [.. account.Roles]);
        identity.SetClaims(HubClaims.Area, [.. account.Areas]);
        identity.SetAudiences(auth.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetAccessTokenLifetime(PortalClient.TokenLifetime);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
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
