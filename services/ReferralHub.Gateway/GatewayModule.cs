using Microsoft.IdentityModel.Tokens;
using ReferralHub.Gateway.AgencyClients;
using OpenIddict.Server;
using ReferralHub.Gateway.Identity;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Gateway.Tokens;
using ReferralHub.Contracts.Portal;
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
        builder.Services.AddSingleton<ConfiguredClients>();
        builder.Services.AddTransient<IStartupFilter, TokenRateLimit>();
        // A portal person's token is built from the account store's answer (the portal's PersonAccountResponder).
        builder.AddBusConsumers("gateway", consumers => consumers.AddRequestClient<PortalPersonRequest>());

        var issuer = builder.Configuration["Auth:Issuer"] ?? new HubAuthOptions().Issuer;
        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<GatewayDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(new Uri(issuer));
                server.SetTokenEndpointUris("connect/token");
                server.SetConfigurationEndpointUris(".well-known/openid-configuration");
                server.SetJsonWebKeySetEndpointUris(".well-known/jwks");
                server.AllowClientCredentialsFlow();
                server.AllowCustomFlow(PortalClient.GrantType);
                server.SetAccessTokenLifetime(TimeSpan.FromHours(1));
                // Plain signed JWTs: every service (and an agency's own gateway) can validate them with the public key.
                server.DisableAccessTokenEncryption();
                // Access tokens are not encrypted, so this key encrypts nothing the hub issues; OpenIddict still wants
                // one. A random 256-bit symmetric key per start instead of AddEphemeralEncryptionKey's RSA key: no RSA
                // key generation on every start (issue 17, start time).
                server.AddEncryptionKey(new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
                server.RegisterScopes("api");
                // Client-credentials tokens are self-contained JWTs; storing a row per token would only grow the table.
                server.DisableTokenStorage();
                var aspNetCore = server.UseAspNetCore().EnableTokenEndpointPassthrough();
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
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        app.MapTokenEndpoint();
        app.MapWhoAmI();
        app.MapAgencyClients();
        return app;
    }
}
