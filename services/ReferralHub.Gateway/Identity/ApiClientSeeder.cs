using System.Text.Json;
using OpenIddict.Abstractions;
using ReferralHub.Gateway.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ReferralHub.Gateway.Identity;

/// <summary>
/// Registers API clients at start-up: those configured under <c>Auth:Clients</c> (any environment; the agency IT person's
/// route in) and, in Development only, the demo clients. Existing clients are updated so a changed role takes effect.
/// </summary>
internal sealed class ApiClientSeeder(
    IOpenIddictApplicationManager applications,
    IConfiguration configuration,
    IHostEnvironment environment,
    PortalClientSecret portalSecret,
    ILogger<ApiClientSeeder> logger) : IDatabaseSeeder<GatewayDbContext>
{
    internal const string AgencyProperty = "agency";
    internal const string RolesProperty = "roles";
    internal const string AreasProperty = "areas";

    public async Task SeedAsync(GatewayDbContext db, CancellationToken cancellationToken)
    {
        var clients = configuration.GetSection("Auth:Clients").Get<List<ApiClient>>() ?? [];
        if (environment.IsDevelopment())
        {
            clients.AddRange(DemoClients.All.Where(demo => clients.All(c => c.ClientId != demo.ClientId)));
            logger.LogInformation("Development environment: demo API clients are registered; README.md, section 'Demo credentials', lists them");
        }
        else
        {
            // A database first started in Development must not keep publicly known secrets when it goes live.
            foreach (var demo in DemoClients.All.Where(demo => clients.All(c => c.ClientId != demo.ClientId)))
            {
                if (await applications.FindByClientIdAsync(demo.ClientId, cancellationToken) is { } stale)
                {
                    await applications.DeleteAsync(stale, cancellationToken);
                    logger.LogWarning("Removed demo API client {ClientId}: demo clients exist only in Development", demo.ClientId);
                }
            }
        }

        foreach (var client in clients)
        {
            Validate(client);
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.ClientId,
                ClientSecret = client.ClientSecret,
                ClientType = ClientTypes.Confidential,
                DisplayName = client.DisplayName,
                Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
            };
            descriptor.Properties[AgencyProperty] = JsonSerializer.SerializeToElement(client.Agency);
            descriptor.Properties[RolesProperty] = JsonSerializer.SerializeToElement(client.Roles);
            descriptor.Properties[AreasProperty] = JsonSerializer.SerializeToElement(client.Areas);

            await CreateOrUpdateAsync(client.ClientId, descriptor, cancellationToken);
        }

        await SeedPortalClientAsync(cancellationToken);
    }

    /// <summary>
    /// The portal's client: a confidential OpenID Connect client (authorization code with PKCE, refresh tokens,
    /// end-session). It gets tokens only for a person who signed in at the gateway; no grant lets it name a person.
    /// </summary>
    private async Task SeedPortalClientAsync(CancellationToken cancellationToken)
    {
        if (portalSecret.Value is not { } secret)
        {
            if (await applications.FindByClientIdAsync(PortalClient.ClientId, cancellationToken) is { } stale)
                await applications.DeleteAsync(stale, cancellationToken);
            return;
        }
        var portal = new OpenIddictApplicationDescriptor
        {
            ClientId = PortalClient.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "ReferralHub portal",
            // Explicit consent is not asked: the portal is the hub's own first-party client.
            ConsentType = ConsentTypes.Implicit,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Email, Permissions.Prefixes.Scope + "api",
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var address in PortalAddresses(configuration))
        {
            portal.RedirectUris.Add(new Uri(address, PortalClient.RedirectPath.TrimStart('/')));
            portal.PostLogoutRedirectUris.Add(new Uri(address, PortalClient.PostSignOutPath.TrimStart('/')));
        }
        await CreateOrUpdateAsync(PortalClient.ClientId, portal, cancellationToken);
    }

    /// <summary>
    /// Where browsers reach the portal (<c>Portal:PublicAddresses</c>, comma-separated): its redirect and post-sign-out
    /// addresses are registered under each, and no other. Default: the gateway's own public address (<c>Auth:Issuer</c>),
    /// which is the portal's too when one process serves both (the embedded host).
    /// </summary>
    internal static IReadOnlyList<Uri> PortalAddresses(IConfiguration configuration)
    {
        var configured = configuration["Portal:PublicAddresses"];
        var addresses = string.IsNullOrWhiteSpace(configured)
            ? [configuration["Auth:Issuer"] ?? new HubAuthOptions().Issuer]
            : configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. addresses.Select(a => new Uri(a.EndsWith('/') ? a : a + "/", UriKind.Absolute))];
    }

    private async Task CreateOrUpdateAsync(string clientId, OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is null) await applications.CreateAsync(descriptor, cancellationToken);
        else await applications.UpdateAsync(existing, descriptor, cancellationToken);
    }

    private static void Validate(ApiClient client)
    {
        if (string.IsNullOrWhiteSpace(client.ClientId) || string.IsNullOrWhiteSpace(client.ClientSecret) || string.IsNullOrWhiteSpace(client.Agency))
            throw new InvalidOperationException("Every Auth:Clients entry needs ClientId, ClientSecret and Agency.");
        var unknown = client.Roles.Except(Roles.All).ToList();
        if (unknown.Count > 0)
            throw new InvalidOperationException($"Client {client.ClientId} has unknown role(s): {string.Join(", ", unknown)}.");
        if (Roles.AsksAndAuthorises(client.Roles))
            throw new InvalidOperationException($"Client {client.ClientId}: {Roles.FourEyesMessage} Split it into two clients.");
    }
}
