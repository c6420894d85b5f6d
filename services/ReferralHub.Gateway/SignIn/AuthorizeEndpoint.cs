using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Hosting.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// <c>/connect/authorize</c> (authorization code with PKCE S256; OpenIddict has checked the client, its redirect URI
/// and the code challenge before this runs) and <c>/connect/endsession</c>. A person without a live gateway session
/// is sent to the sign-in page; with one, the code carries what the account store says now — agency, roles, areas —
/// and the token endpoint checks the account again when the code or a refresh token is redeemed
/// (<see cref="RedeemAsync"/>), so a person disabled, reset or signed out in between gets no token.
/// </summary>
public static class AuthorizeEndpoint
{
    public const string AuthorizePath = "/connect/authorize";
    public const string EndSessionPath = "/connect/endsession";

    public static IEndpointRouteBuilder MapAuthorizeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapMethods(EndSessionPath, [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext context, UserManager<PersonAccount> users, IOptions<HubAuthOptions> auth)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict server request is missing.");
        var session = await context.AuthenticateAsync(PeopleSession.Scheme);
        var account = session.Succeeded ? await PeopleSession.AccountOfAsync(users, session.Principal!) : null;
        if (account is null || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
                return Forbid(Errors.LoginRequired, "The person is not signed in.");
            // Back here after the sign-in page, with the same parameters (the PKCE challenge among them).
            var parameters = context.Request.HasFormContentType
                ? context.Request.Form.Where(p => p.Key != "prompt").Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()))
                : context.Request.Query.Where(p => p.Key != "prompt").Select(p => KeyValuePair.Create(p.Key, (string?)p.Value.ToString()));
            var returnUrl = AuthorizePath + QueryString.Create(parameters);
            return Results.Redirect($"{SignInPage.Path}{QueryString.Create("returnUrl", returnUrl)}");
        }

        var principal = await PrincipalForAsync(users, account, auth.Value);
        if (principal is null) return Forbid(Errors.AccessDenied, "This account's roles cannot be used through the portal.");
        principal.SetScopes(request.GetScopes().Intersect([Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, "api"]));
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// The authorization-code and refresh-token grants at <c>/connect/token</c>: the principal OpenIddict restored from
    /// the code or refresh token names the account and the stamp it was issued under; the account must still be able
    /// to sign in with that stamp (not signed out, disabled, reset or given other roles since), and the new tokens
    /// carry what the store says now.
    /// </summary>
    public static async Task<IResult> RedeemAsync(HttpContext context, OpenIddictRequest request, HubAuthOptions auth)
    {
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var users = context.RequestServices.GetRequiredService<UserManager<PersonAccount>>();
        var id = result.Principal?.GetClaim(PersonIdClaim);
        var stamp = result.Principal?.GetClaim(PeopleSession.StampClaim);
        var account = id is null || stamp is null ? null
            : await PeopleSession.AccountOfAsync(users, PeopleSession.PrincipalOf(new PersonAccount { Id = id, DisplayName = "-" }, stamp));
        if (account is null) return Forbid(Errors.InvalidGrant, "The person's session has ended.");
        var principal = await PrincipalForAsync(users, account, auth);
        if (principal is null) return Forbid(Errors.InvalidGrant, "This account's roles cannot be used through the portal.");
        principal.SetScopes(result.Principal!.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Ends the person's gateway session: the security stamp changes (so every copy of the gateway cookie, every code
    /// and refresh token issued under the old stamp is refused) and the cookie is removed; OpenIddict then returns
    /// the browser to the client's registered post-logout address.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context, UserManager<PersonAccount> users, ILoggerFactory logs)
    {
        var session = await context.AuthenticateAsync(PeopleSession.Scheme);
        if (session.Succeeded && await PeopleSession.AccountOfAsync(users, session.Principal!) is { } account)
        {
            await users.UpdateSecurityStampAsync(account);
            logs.CreateLogger(typeof(AuthorizeEndpoint)).LogInformation("Person {UserId} signed out", account.Id);
        }
        await context.SignOutAsync(PeopleSession.Scheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = SignInPage.SignedOutPath }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    /// <summary>The account id as kept in codes and refresh tokens (never in an access or identity token).</summary>
    public const string PersonIdClaim = "person_id";

    private static async Task<ClaimsPrincipal?> PrincipalForAsync(UserManager<PersonAccount> users, PersonAccount account, HubAuthOptions auth)
    {
        var claims = await users.GetClaimsAsync(account);
        var agency = claims.FirstOrDefault(c => c.Type == HubClaims.Agency)?.Value;
        var roles = claims.Where(c => c.Type == HubClaims.Role).Select(c => c.Value).Distinct().ToList();
        // Operators use their own API client, never the portal; nobody both asks and authorises (four eyes).
        if (string.IsNullOrEmpty(agency) || roles.Count == 0 || roles.Except(PortalClient.AllowedRoles).Any() || Roles.AsksAndAuthorises(roles)) return null;

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, HubClaims.Subject, HubClaims.Role);
        identity.SetClaim(Claims.Subject, PortalClient.Subject(account.Id));
        identity.SetClaim(Claims.Name, account.DisplayName);
        identity.SetClaim(Claims.Email, account.Email);
        // Where the portal sends the person's notices (its own small profile, written at each sign-in).
        if (!string.IsNullOrWhiteSpace(account.PhoneNumber)) identity.SetClaim(Claims.PhoneNumber, account.PhoneNumber);
        identity.SetClaim(HubClaims.Agency, agency);
        identity.SetClaims(HubClaims.Role, [.. roles]);
        identity.SetClaims(HubClaims.Area, [.. claims.Where(c => c.Type == HubClaims.Area).Select(c => c.Value).Distinct()]);
        identity.SetClaim(PortalClient.AccountVersionClaim, account.AccountVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        identity.SetClaim(PersonIdClaim, account.Id);
        identity.SetClaim(PeopleSession.StampClaim, await users.GetSecurityStampAsync(account));
        identity.SetAudiences(auth.Audience);
        identity.SetDestinations(claim => claim.Type switch
        {
            // Name, e-mail and phone only to the portal (identity token), not to every API; the id and stamp stay inside codes and refresh tokens.
            Claims.Name or Claims.Email or Claims.PhoneNumber or PortalClient.AccountVersionClaim => [Destinations.IdentityToken],
            PersonIdClaim or PeopleSession.StampClaim => [],
            _ => [Destinations.AccessToken, Destinations.IdentityToken],
        });
        var principal = new ClaimsPrincipal(identity);
        principal.SetAccessTokenLifetime(PortalClient.TokenLifetime);
        return principal;
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
