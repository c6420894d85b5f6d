using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Posture;

/// <summary>
/// Outside Development a hub process fails closed: it refuses to start when a setting would leave tokens, keys or
/// secrets unprotected, and says which setting (docs/operations.md, "Production posture"). Development keeps the
/// conveniences (http, generated keys, demo clients) so `dotnet run` works on a laptop.
/// </summary>
public static class ProductionPosture
{
    /// <summary>Publicly known secrets (README demo clients, demo portal password): never accepted outside Development.</summary>
    public static IReadOnlySet<string> DemoSecrets { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "agency-a-secret", "agency-b-secret", "agency-d-secret", "coordinator-secret", "pathways-secret", "ops-secret",
        "referralhub-demo",
    };

    /// <summary>Client secrets shorter than this are refused outside Development (they can be guessed).</summary>
    public const int MinimumSecretLength = 16;

    public static InvalidOperationException Refuse(IHostEnvironment environment, string setting, string why) =>
        new($"Refusing to start in the {environment.EnvironmentName} environment: {setting} {why} " +
            "(only Development allows it; see docs/operations.md, \"Production posture\").");

    /// <summary>Checks that need only configuration; run while the host is built (see <see cref="ServiceDefaults"/>).</summary>
    internal static void CheckAuthentication(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment()) return;
        var authority = configuration["Auth:Authority"];
        if (!string.IsNullOrWhiteSpace(authority) && !authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw Refuse(environment, "Auth:Authority", $"is '{authority}': signing keys fetched over plain http can be forged in transit; use an https URL");
        if (bool.TryParse(configuration["Auth:RequireHttpsMetadata"], out var require) && !require)
            throw Refuse(environment, "Auth:RequireHttpsMetadata", "is false: signing keys would be accepted over plain http");

        var clients = configuration.GetSection("Auth:Clients").GetChildren().ToList();
        for (var i = 0; i < clients.Count; i++)
            CheckSecret(environment, $"Auth:Clients:{clients[i].Key}:ClientSecret", clients[i]["ClientSecret"]);
        if (configuration["Portal:ClientSecret"] is { Length: > 0 } portalSecret)
            CheckSecret(environment, "Portal:ClientSecret", portalSecret);
    }

    private static void CheckSecret(IHostEnvironment environment, string setting, string? secret)
    {
        if (secret is null) return; // a client without a secret is refused by the gateway's own validation
        if (DemoSecrets.Contains(secret))
            throw Refuse(environment, setting, "is a published demo secret");
        if (secret.Length < MinimumSecretLength)
            throw Refuse(environment, setting, $"is shorter than {MinimumSecretLength} characters");
    }

    /// <summary>
    /// Checks that depend on what the process hosts (a token issuer needs a configured signing key); run by a hosted
    /// service registered first, so nothing else (migrations, the bus) starts when one fails.
    /// </summary>
    internal sealed class StartupCheck(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (environment.IsDevelopment()) return Task.CompletedTask;
            var issues = services.GetServices<TokenIssuerInProcess>().Any();
            var validatesLocally = string.IsNullOrWhiteSpace(configuration["Auth:Authority"]);
            if ((issues || validatesLocally) && string.IsNullOrWhiteSpace(PemSetting.Read(configuration, "Auth:SigningKeyPem")))
                throw Refuse(environment, "Auth:SigningKeyPem (or Auth:SigningKeyPemFile)", issues
                    ? "is missing: this process issues tokens and would otherwise generate a key file in its data folder"
                    : "is missing and Auth:Authority is empty: this process could not validate any token");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or inside it.</summary>
    internal static bool IsInside(string path, string folder)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)) + Path.DirectorySeparatorChar;
        var parent = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return full.StartsWith(parent, StringComparison.Ordinal);
    }

    internal static string DataDirectoryOf(IConfiguration configuration, IHostEnvironment environment) =>
        ServiceDatabase.DataDirectory(configuration, environment);
}

/// <summary>
/// A PEM setting given either inline (<c>Auth:SigningKeyPem</c>) or as a file (<c>Auth:SigningKeyPemFile</c>, e.g. a
/// mounted Kubernetes or compose secret): environment variables cannot carry a PEM's line breaks everywhere.
/// </summary>
public static class PemSetting
{
    public static string? Read(IConfiguration configuration, string key)
    {
        if (configuration[key] is { Length: > 0 } inline) return inline;
        return configuration[key + "File"] is { Length: > 0 } path ? File.ReadAllText(path) : null;
    }
}
