using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Hosting.Protection;

/// <summary>
/// The operator API for keys (docs/operations.md, "Keys"): each process acts on the keys of the services it hosts,
/// so in distributed mode an operator calls consent, referrals and transfers each (the embedded host: once).
/// </summary>
public static class KeyEndpoints
{
    public static IEndpointRouteBuilder MapKeyEndpoints(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<KeyOperations>() is not null)
        {
            var keys = app.MapGroup("/ops/keys").RequireAuthorization(policy => policy.RequireRole(Roles.Operator)).WithTags("Operations");
            keys.MapPost("/evacuations", Evacuate).WithName("EvacuateKeys");
            keys.MapPost("/retention", (KeyOperations operations, CancellationToken ct) => operations.ApplyRetentionAsync(ct)).WithName("ApplyRetention");
            keys.MapPost("/ring-rotations", (KeyOperations operations, CancellationToken ct) => operations.RotateKeyRingAsync(ct)).WithName("RotateKeyRing");
        }
        if (app.ServiceProvider.GetService<TokenIssuerInProcess>() is not null)
        {
            app.MapGet("/ops/keys/signing", (HubSigningKey key) => new SigningKeys(key.Key.KeyId, [.. key.PreviousKeys.Select(k => k.KeyId)]))
                .RequireAuthorization(policy => policy.RequireRole(Roles.Operator)).WithTags("Operations").WithName("GetSigningKeys");
        }
        return app;
    }

    private static async Task<IResult> Evacuate(EvacuationRequest? request, KeyOperations operations, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Agency))
            return Problems.Invalid("agency", "The agency whose keys are destroyed is required.");
        if (request.CaseCode is { } code && string.IsNullOrWhiteSpace(code))
            return Problems.Invalid("caseCode", "Leave caseCode out to destroy the whole agency, or give a case code.");
        return TypedResults.Ok(await operations.EvacuateAsync(request.Agency.Trim(), request.CaseCode?.Trim(), cancellationToken));
    }
}

/// <summary>Destroy an agency's keys (all its cases), or one case's keys when <see cref="CaseCode"/> is given.</summary>
public sealed record EvacuationRequest(string? Agency, string? CaseCode);

public sealed record SigningKeys(string? Signing, IReadOnlyList<string?> AlsoPublished);

/// <summary>
/// <c>keys …</c> verbs of a host (<c>dotnet ReferralHub.Host.dll keys evacuate --agency X [--case Y]</c>, …): run once
/// with the process's configuration and exit. See docs/operations.md, "Keys".
/// </summary>
public static class KeyCommands
{
    public const string Usage = """
        keys evacuate --agency AGENCY [--case CASE]   destroy an agency's (or one case's) keys: its personal data becomes unreadable
        keys retention                                destroy the keys of cases closed longer than the retention period
        keys rotate-ring                              new Data Protection key ring key; every data key re-wrapped under it
        keys new-signing-key                          print a new RSA signing key (PEM) for Auth:SigningKeyPem
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (args is ["new-signing-key"])
        {
            await output.WriteAsync(HubSigningKey.NewPem());
            return 0;
        }
        var operations = services.GetService<KeyOperations>();
        if (operations is null)
        {
            await output.WriteLineAsync("This process holds no personal data keys (run the verb in consent, referrals or transfers, or the embedded host).");
            return 2;
        }
        // Databases must exist and be migrated: the verbs run instead of the host's start.
        foreach (var database in services.GetServices<ServiceDatabaseInfo>())
        {
            await using var scope = services.CreateAsyncScope();
            var db = (ServiceDbContext)scope.ServiceProvider.GetRequiredService(database.ContextType);
            if (db.Database.GetMigrations().Any()) await db.Database.MigrateAsync(cancellationToken);
            else await db.Database.EnsureCreatedAsync(cancellationToken);
        }
        // Configuration switches (--Storage:DataDirectory=…) may follow the verb; the host builder read them.
        switch (args.Where(a => !(a.StartsWith("--", StringComparison.Ordinal) && (a.Contains(':') || a.Contains('=')))).ToArray())
        {
            case ["evacuate", "--agency", var agency]:
                await Write(output, await operations.EvacuateAsync(agency, null, cancellationToken));
                return 0;
            case ["evacuate", "--agency", var agency, "--case", var caseCode]:
                await Write(output, await operations.EvacuateAsync(agency, caseCode, cancellationToken));
                return 0;
            case ["retention"]:
                var destroyed = await operations.ApplyRetentionAsync(cancellationToken);
                foreach (var d in destroyed) await Write(output, d);
                await output.WriteLineAsync($"{destroyed.Count} closed cases past retention destroyed");
                return 0;
            case ["rotate-ring"]:
                var rotation = await operations.RotateKeyRingAsync(cancellationToken);
                await output.WriteLineAsync($"new key ring key {rotation.KeyId} (until {rotation.ExpiresAt:u}); {rotation.DataKeysRewrapped} data keys re-wrapped");
                return 0;
            default:
                await output.WriteLineAsync(Usage);
                return 2;
        }
    }

    private static Task Write(TextWriter output, KeyDestruction destruction) =>
        output.WriteLineAsync($"destroyed {destruction.Keys} keys of scope {destruction.Scope}");
}
