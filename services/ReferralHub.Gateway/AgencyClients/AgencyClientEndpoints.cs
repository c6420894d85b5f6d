using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using ReferralHub.Gateway.Identity;
using ReferralHub.Hosting.Auth;
using static OpenIddict.Abstractions.OpenIddictConstants;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Gateway.AgencyClients;

public sealed record CreateAgencyClientRequest(string? ClientId, string? DisplayName, List<string>? Roles);

/// <summary>An agency's API client as its admin sees it; never a secret (only its hash is stored).</summary>
public sealed record AgencyClientView(string ClientId, string DisplayName, IReadOnlyList<string> Roles, bool ManagedByConfiguration,
    DateTime? CreatedAt, DateTime? SecretChangedAt);

/// <summary>The secret in clear text, in this one answer only.</summary>
public sealed record AgencyClientSecret(string ClientId, string DisplayName, IReadOnlyList<string> Roles, string ClientSecret);

/// <summary>
/// <c>/api/v1/agency/clients</c>: an agency admin lists, creates and re-keys their own agency's API clients (the
/// client-credentials systems). The agency is the caller's token's, never a field of the request, so no admin can see
/// or touch another agency's clients. The gateway serves this itself in both run modes (no route to another service).
/// </summary>
public static partial class AgencyClientEndpoints
{
    /// <summary>
    /// Roles an agency may give its own systems: what a case management or provider system does for that agency.
    /// Coordinator (every agency's figures), pathway-maintainer (an area's pathways), agency-admin (more clients) and
    /// operator reach beyond the agency: hub operators grant those through <c>Auth:Clients</c>.
    /// </summary>
    public static IReadOnlyList<string> AssignableRoles { get; } = [Roles.Referrer, Roles.Provider, Roles.Supervisor];

    internal const string CreatedAtProperty = "created_at";
    internal const string CreatedByProperty = "created_by";
    internal const string SecretChangedAtProperty = "secret_changed_at";

    public static IEndpointRouteBuilder MapAgencyClients(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/api/v1/agency/clients")
            .RequireAuthorization(p => p.RequireRole(Roles.AgencyAdmin).RequireClaim(HubClaims.Agency))
            .WithTags("Agency administration");
        clients.MapGet("/", ListAsync).WithName("ListAgencyClients").WithSummary("The caller's agency's API clients (no secrets).");
        clients.MapGet("/{clientId}", GetAsync).WithName("GetAgencyClient");
        clients.MapPost("/", CreateAsync).WithName("CreateAgencyClient")
            .WithSummary("A new client-credentials client of the caller's agency; the secret is in this answer only.");
        clients.MapPost("/{clientId}/secret", RotateSecretAsync).WithName("RotateAgencyClientSecret")
            .WithSummary("A new secret, in this answer only; the old one stops working at once.");
        return app;
    }

    /// <summary>By client id, a page at a time (the cursor is the last client id given).</summary>
    private static async Task<Results<Ok<Page<AgencyClientView>>, ValidationProblem>> ListAsync(string? cursor, int? limit, ClaimsPrincipal user,
        IOpenIddictApplicationManager applications, ConfiguredClients configured, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (take, after) = Paging.Read(errors, cursor, limit, defaultLimit: 100);
        if (errors.Any) return Problems.Invalid(errors);
        var agency = user.Agency()!;
        var views = new List<AgencyClientView>();
        // A handful of clients per hub: reading them all is simpler than querying OpenIddict's JSON properties column.
        await foreach (var application in applications.ListAsync(count: null, offset: null, ct))
        {
            if (await ViewOfAgencyAsync(applications, application, agency, configured, ct) is { } view) views.Add(view);
        }
        return TypedResults.Ok(Paging.Of(views, v => v.ClientId, after, take));
    }

    private static async Task<Results<Ok<AgencyClientView>, ProblemHttpResult>> GetAsync(string clientId, ClaimsPrincipal user,
        IOpenIddictApplicationManager applications, ConfiguredClients configured, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        return application is not null && await ViewOfAgencyAsync(applications, application, user.Agency()!, configured, ct) is { } view
            ? TypedResults.Ok(view)
            : NotFound();
    }

    private static async Task<Results<Created<AgencyClientSecret>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateAgencyClientRequest body, ClaimsPrincipal user, IOpenIddictApplicationManager applications, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        var agency = user.Agency()!;
        var errors = new FieldErrors();
        var clientId = body.ClientId?.Trim();
        if (string.IsNullOrEmpty(clientId) || !ClientIdPattern().IsMatch(clientId) || !clientId.StartsWith(agency + "-", StringComparison.Ordinal))
            errors.Add("clientId", $"lower-case letters, digits and hyphens, starting with \"{agency}-\" (3 to 64 characters)");
        var displayName = body.DisplayName?.Trim();
        if (string.IsNullOrEmpty(displayName) || displayName.Length > 200)
            errors.Add("displayName", "required, at most 200 characters");
        var roles = (body.Roles ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (roles.Count == 0)
            errors.Add("roles", $"at least one of: {string.Join(", ", AssignableRoles)}");
        else if (roles.FirstOrDefault(r => !AssignableRoles.Contains(r)) is { } refused)
            errors.Add("roles", $"'{refused}' cannot be given by an agency admin; allowed: {string.Join(", ", AssignableRoles)}");
        else if (Roles.AsksAndAuthorises(roles))
            errors.Add("roles", Roles.FourEyesMessage);
        if (errors.Any) return errors.ToProblem();

        if (await applications.FindByClientIdAsync(clientId!, ct) is not null)
            return Problems.Conflict($"A client with the id '{clientId}' exists already.", "Client id taken");

        var secret = NewSecret();
        var now = clock.GetUtcNow().UtcDateTime;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret, // OpenIddict stores only a hash of it
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        descriptor.Properties[ApiClientSeeder.AgencyProperty] = JsonSerializer.SerializeToElement(agency);
        descriptor.Properties[ApiClientSeeder.RolesProperty] = JsonSerializer.SerializeToElement(roles);
        descriptor.Properties[ApiClientSeeder.AreasProperty] = JsonSerializer.SerializeToElement(Array.Empty<string>());
        descriptor.Properties[CreatedAtProperty] = JsonSerializer.SerializeToElement(now);
        descriptor.Properties[CreatedByProperty] = JsonSerializer.SerializeToElement(user.ClientOrUserId());
        descriptor.Properties[SecretChangedAtProperty] = JsonSerializer.SerializeToElement(now);
        await applications.CreateAsync(descriptor, ct);

        logs.CreateLogger(typeof(AgencyClientEndpoints)).LogInformation("API client {ClientId} of agency {Agency} created by {Caller}", clientId, agency, user.ClientOrUserId());
        return TypedResults.Created($"/api/v1/agency/clients/{clientId}", new AgencyClientSecret(clientId!, displayName!, roles, secret));
    }

    private static async Task<Results<Ok<AgencyClientSecret>, ProblemHttpResult>> RotateSecretAsync(string clientId, ClaimsPrincipal user,
        IOpenIddictApplicationManager applications, ConfiguredClients configured, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var agency = user.Agency()!;
        var application = await applications.FindByClientIdAsync(clientId, ct);
        // Another agency's client answers exactly like a missing one: its existence is not the caller's business.
        if (application is null || await ViewOfAgencyAsync(applications, application, agency, configured, ct) is not { } view) return NotFound();
        if (view.ManagedByConfiguration)
            return Problems.Conflict("This client is registered in the gateway's configuration (Auth:Clients); its secret is changed there.", "Managed by configuration");

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, ct);
        var secret = NewSecret();
        descriptor.ClientSecret = secret; // a changed secret is hashed and replaces the old hash: the old one fails from now on
        descriptor.Properties[SecretChangedAtProperty] = JsonSerializer.SerializeToElement(clock.GetUtcNow().UtcDateTime);
        await applications.UpdateAsync(application, descriptor, ct);

        logs.CreateLogger(typeof(AgencyClientEndpoints)).LogInformation("API client {ClientId} of agency {Agency}: secret changed by {Caller}", clientId, agency, user.ClientOrUserId());
        return TypedResults.Ok(new AgencyClientSecret(view.ClientId, view.DisplayName, view.Roles, secret));
    }

    /// <summary>The client as the admin sees it, or null when it does not belong to their agency.</summary>
    private static async Task<AgencyClientView?> ViewOfAgencyAsync(IOpenIddictApplicationManager applications, object application, string agency,
        ConfiguredClients configured, CancellationToken ct)
    {
        var properties = await applications.GetPropertiesAsync(application, ct);
        if (Read<string>(properties, ApiClientSeeder.AgencyProperty) != agency) return null;
        var clientId = await applications.GetClientIdAsync(application, ct) ?? "";
        return new AgencyClientView(
            clientId,
            await applications.GetDisplayNameAsync(application, ct) ?? clientId,
            Read<List<string>>(properties, ApiClientSeeder.RolesProperty) ?? [],
            configured.Contains(clientId),
            Read<DateTime?>(properties, CreatedAtProperty),
            Read<DateTime?>(properties, SecretChangedAtProperty));
    }

    private static T? Read<T>(IReadOnlyDictionary<string, JsonElement> properties, string name) =>
        properties.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.Deserialize<T>() : default;

    /// <summary>256 random bits, URL-safe: fits a form field, a header and an environment variable unescaped.</summary>
    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ProblemHttpResult NotFound() => Problems.NotFound("No such API client in your agency.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,63}$")]
    private static partial Regex ClientIdPattern();
}

/// <summary>
/// Clients the gateway (re)registers from configuration at every start (<c>Auth:Clients</c>, and the demo clients in
/// Development): a secret changed through the API would be overwritten at the next start, so it is changed there.
/// </summary>
public sealed class ConfiguredClients(IConfiguration configuration, IHostEnvironment environment)
{
    private readonly HashSet<string> _ids =
    [
        .. (configuration.GetSection("Auth:Clients").Get<List<ApiClient>>() ?? []).Select(c => c.ClientId),
        .. environment.IsDevelopment() ? DemoClients.All.Select(c => c.ClientId) : [],
    ];

    public bool Contains(string clientId) => _ids.Contains(clientId);
}
