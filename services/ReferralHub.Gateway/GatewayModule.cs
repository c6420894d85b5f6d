using Microsoft.IdentityModel.Tokens;
using ReferralHub.Gateway.Accounts;
using ReferralHub.Gateway.AgencyClients;
using ReferralHub.Gateway.AgencyUsers;
using OpenIddict.Server;
using ReferralHub.Gateway.Identity;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Gateway.SignIn;
using ReferralHub.Gateway.Tokens;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Gateway;

/// <summary>The edge: OAuth2 token endpoint for agency systems and, when run alone, routing to the owning services.</summary>
public static class GatewayModule
{
    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<GatewayDbContext, SqliteGatewayDbContext, PostgresGatewayDbContext>(GatewayDbContext.Name);
        builder.Services.AddSingleton<TokenIssuerInProcess>(); // lets HubSigningKey create the key on first start
        builder.Services.AddHostedService<TokenServerWarmUp>();
        builder.Services.AddScoped<IDatabaseSeeder<GatewayDbContext>, ApiClientSeeder>();
        builder.AddPersonAccounts();
        builder.AddPeopleSession();
        builder.Services.AddAntiforgery();
        builder.Services.AddTransient<IStartupFilter, IdentityPagesGuard>();
        builder.Services.AddSingleton<ConfiguredClients>();
        builder.Services.AddTransient<IStartupFilter, TokenRateLimit>();
        builder.Services.AddHostedService<TokenPruning>();

        var issuer = builder.Configuration["Auth:Issuer"] ?? new HubAuthOptions().Issuer;
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<GatewayDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(issuer));
                server.SetTokenEndpointUris("connect/token");
                // People sign in here (the portal is an OpenID Connect client): code flow, PKCE required, S256 only.
                server.SetAuthorizationEndpointUris("connect/authorize");
                server.SetEndSessionEndpointUris("connect/endsession");
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowRefreshTokenFlow();
                server.Configure(options =>
                {
                    options.CodeChallengeMethods.Clear();
                    options.CodeChallengeMethods.Add(OpenIddict.Abstractions.OpenIddictConstants.CodeChallengeMethods.Sha256);
                });
                server.SetConfigurationEndpointUris(".well-known/openid-configuration");
                server.SetJsonWebKeySetEndpointUris(".well-known/jwks");
                server.AllowClientCredentialsFlow();
                server.SetAccessTokenLifetime(TimeSpan.FromHours(1));
                // Plain signed JWTs: every service (and an agency's own gateway) can validate them with the public key.
                server.DisableAccessTokenEncryption();
                // The encryption key (authorization codes and refresh tokens) is derived from the signing key below, in
                // Configure<HubSigningKey>: every gateway replica and every restart reads the codes and refresh tokens
                // the others issued (an ephemeral key made each replica's codes unreadable to the others).
                server.RegisterScopes("api", OpenIddict.Abstractions.OpenIddictConstants.Scopes.Profile,
                    OpenIddict.Abstractions.OpenIddictConstants.Scopes.Email, OpenIddict.Abstractions.OpenIddictConstants.Scopes.OfflineAccess);
                // Token storage stays on: an authorization code must be redeemable once only, and a refresh token
                // revoked with its session; access tokens are still self-contained JWTs.
                var aspNetCore = server.UseAspNetCore().EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough().EnableEndSessionEndpointPassthrough();
                // TLS is terminated in front of the hub (reverse proxy / ingress); see docs/operations.md.
                aspNetCore.DisableTransportSecurityRequirement();
            });
        builder.Services.AddOptions<OpenIddictServerOptions>()
            .Configure<HubSigningKey>((options, key) =>
            {
                // The current key first: OpenIddict signs with the first and publishes all in the JWKS, so tokens signed
                // with the previous key stay valid until they expire (rotation, docs/operations.md).
                options.SigningCredentials.Add(new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256));
                foreach (var previous in key.PreviousKeys)
                    options.SigningCredentials.Add(new SigningCredentials(previous, SecurityAlgorithms.RsaSha256));
                // Codes and refresh tokens are encrypted with a key derived from the signing key, current first; the
                // previous signing key's derivation still decrypts what was issued before a rotation.
                foreach (var signing in key.PreviousKeys.Prepend(key.Key))
                    options.EncryptionCredentials.Add(new EncryptingCredentials(
                        TokenEncryptionKey.DerivedFrom(signing), SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        app.MapTokenEndpoint();
        app.MapWhoAmI();
        app.MapAgencyClients();
        app.MapAgencyUsers();
        app.MapIdentityStyles();
        app.MapSignInPage();
        app.MapSignedInPage();
        app.MapSetPasswordPage();
        app.MapAuthorizeEndpoints();
        return app;
    }
}
