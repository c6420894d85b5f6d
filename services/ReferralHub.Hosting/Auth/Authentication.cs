using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Hosting.Posture;

namespace ReferralHub.Hosting.Auth;

public sealed class HubAuthOptions
{
    /// <summary>The issuer tokens carry (the gateway's public base URL).</summary>
    public string Issuer { get; set; } = "http://localhost:5080/";

    /// <summary>
    /// Where to fetch signing keys (OpenID Connect discovery). Empty: validate with the local <see cref="HubSigningKey"/>
    /// (embedded host, or a service sharing the gateway's key). Set it to use the gateway or an external OpenID Connect provider.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>Require https for <see cref="Authority"/>'s metadata and keys. Unset: true outside Development.</summary>
    public bool? RequireHttpsMetadata { get; set; }

    public string Audience { get; set; } = HubClaims.ApiAudience;
}

public static class Authentication
{
    /// <summary>JWT bearer validation for every API: issuer, audience, lifetime and signature are all checked.</summary>
    public static IHostApplicationBuilder AddHubAuthentication(this IHostApplicationBuilder builder)
    {
        ProductionPosture.CheckAuthentication(builder.Configuration, builder.Environment);
        builder.Services.Configure<HubAuthOptions>(builder.Configuration.GetSection("Auth"));
        var development = builder.Environment.IsDevelopment();
        builder.Services.AddSingleton<HubSigningKey>();
        builder.Services.AddSingleton<PortalClientSecret>();
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<HubAuthOptions>, IServiceProvider>((jwt, hub, services) =>
            {
                var auth = hub.Value;
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata ?? !development;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Issuer,
                    ValidAudience = auth.Audience,
                    NameClaimType = HubClaims.Subject,
                    RoleClaimType = HubClaims.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                if (string.IsNullOrWhiteSpace(auth.Authority))
                    jwt.TokenValidationParameters.IssuerSigningKeys = services.GetRequiredService<HubSigningKey>().ValidationKeys;
                else
                    jwt.Authority = auth.Authority;
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }
}
