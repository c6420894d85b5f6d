using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Protection;

/// <summary>The protection keys one service database holds (one per service with personal data; three in the embedded host).</summary>
public interface IScopeKeyStore
{
    /// <summary>The owning service's DbContext.</summary>
    Type ContextType { get; }

    /// <summary>Deletes the keys of the scope and every scope inside it; answers how many were deleted.</summary>
    Task<int> DestroyAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Re-wraps every data key under the key ring's current default key (after a key-ring rotation).</summary>
    Task<int> RewrapAsync(CancellationToken cancellationToken);
}

internal sealed class ScopeKeyStore<TContext>(
    IPersonalDataProtector<TContext> protector,
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection) : IScopeKeyStore
    where TContext : ServiceDbContext, IProtectionKeyContext
{
    public Type ContextType => typeof(TContext);

    public Task<int> DestroyAsync(string scope, CancellationToken cancellationToken) => protector.DestroyScopeAsync(scope, cancellationToken);

    public async Task<int> RewrapAsync(CancellationToken cancellationToken)
    {
        // The same purpose strings as PersonalDataProtector: unwrap with whichever ring key wrapped it, wrap with the default.
        var wrapper = dataProtection.CreateProtector(PersonalDataProtector<TContext>.WrapPurpose, typeof(TContext).Name);
        await using var serviceScope = scopes.CreateAsyncScope();
        var db = serviceScope.ServiceProvider.GetRequiredService<TContext>();
        var rows = await db.ProtectionKeys.ToListAsync(cancellationToken);
        foreach (var row in rows) row.WrappedKey = wrapper.Protect(wrapper.Unprotect(row.WrappedKey));
        await db.SaveChangesAsync(cancellationToken);
        return rows.Count;
    }
}

/// <summary>
/// What an operator runs on the keys of this process's services (docs/operations.md, "Keys"): evacuation, retention,
/// key-ring rotation. Logs name scopes (agency and case codes, which identify no one) and counts, never personal data.
/// </summary>
public sealed class KeyOperations(
    IEnumerable<IScopeKeyStore> stores,
    IEnumerable<IClosedCaseSource> closedCases,
    IKeyManager keyManager,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<KeyOperations> logger)
{
    /// <summary>Destroys an agency's keys (every case inside it), or one case's keys, in every service of this process.</summary>
    public async Task<KeyDestruction> EvacuateAsync(string agency, string? caseCode, CancellationToken cancellationToken)
    {
        var scope = caseCode is null ? ProtectionScopes.Agency(agency) : ProtectionScopes.Case(agency, caseCode);
        var destroyed = 0;
        foreach (var store in stores) destroyed += await store.DestroyAsync(scope, cancellationToken);
        logger.LogWarning("Evacuation: destroyed {Count} protection keys of scope {Scope}; personal data stored under them is unreadable, codes, statuses and audit remain",
            destroyed, scope);
        return new KeyDestruction(scope, destroyed);
    }

    /// <summary>
    /// Destroys the keys of every case its service reports closed for longer than the retention period
    /// (<c>Protection:Retention:Period</c>, 3 years by default; <c>Protection:Retention:Agencies:{agency}</c> per agency).
    /// </summary>
    public async Task<IReadOnlyList<KeyDestruction>> ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var longest = RetentionPeriods().Values.Append(DefaultRetention()).Max();
        var destroyed = new List<KeyDestruction>();
        foreach (var source in closedCases)
        {
            var store = stores.FirstOrDefault(s => s.ContextType == source.ContextType);
            if (store is null) continue;
            // Ask for cases closed before the shortest possible cut-off, then apply each agency's own period.
            var shortest = RetentionPeriods().Values.Append(DefaultRetention()).Min();
            foreach (var closed in await source.ClosedBeforeAsync(now - shortest, cancellationToken))
            {
                if (closed.ClosedAt > now - RetentionOf(closed.Agency)) continue;
                var scope = ProtectionScopes.Case(closed.Agency, closed.CaseCode);
                var count = await store.DestroyAsync(scope, cancellationToken);
                if (count > 0) destroyed.Add(new KeyDestruction(scope, count));
            }
        }
        logger.LogInformation("Retention: destroyed the keys of {Cases} closed cases (retention {Default}, longest {Longest})",
            destroyed.Count, DefaultRetention(), longest);
        foreach (var d in destroyed)
            logger.LogWarning("Retention: destroyed {Count} protection keys of scope {Scope} (closed longer than its retention period)", d.Keys, d.Scope);
        return destroyed;
    }

    /// <summary>A new default key in the Data Protection key ring, then every data key re-wrapped under it.</summary>
    public async Task<KeyRingRotation> RotateKeyRingAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var key = keyManager.CreateNewKey(now, now.AddDays(90));
        var rewrapped = 0;
        foreach (var store in stores) rewrapped += await store.RewrapAsync(cancellationToken);
        logger.LogWarning("Key ring rotated: new default key {KeyId}, {Count} data keys re-wrapped under it", key.KeyId, rewrapped);
        return new KeyRingRotation(key.KeyId, key.ActivationDate, key.ExpirationDate, rewrapped);
    }

    private TimeSpan DefaultRetention() => configuration.GetValue("Protection:Retention:Period", TimeSpan.FromDays(3 * 365));

    private Dictionary<string, TimeSpan> RetentionPeriods() =>
        configuration.GetSection("Protection:Retention:Agencies").GetChildren()
            .ToDictionary(c => c.Key, c => TimeSpan.Parse(c.Value!, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private TimeSpan RetentionOf(string agency) => RetentionPeriods().TryGetValue(agency, out var period) ? period : DefaultRetention();
}

public sealed record KeyDestruction(string Scope, int Keys);

public sealed record KeyRingRotation(Guid KeyId, DateTimeOffset ActivatesAt, DateTimeOffset ExpiresAt, int DataKeysRewrapped);

/// <summary>A case its service considers closed (nothing open for it there) and since when.</summary>
public sealed record ClosedCase(string Agency, string CaseCode, DateTime ClosedAt);

/// <summary>A service that knows when its cases closed; retention destroys the keys in that service's database only.</summary>
public interface IClosedCaseSource
{
    Type ContextType { get; }

    Task<IReadOnlyList<ClosedCase>> ClosedBeforeAsync(DateTime cutoff, CancellationToken cancellationToken);
}

/// <summary>Runs retention once a day (<c>Protection:Retention:Interval</c>) in every process with personal data.</summary>
internal sealed class RetentionSweep(IServiceProvider services, IConfiguration configuration, ILogger<RetentionSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Protection:Retention:Interval", TimeSpan.FromDays(1));
        if (interval <= TimeSpan.Zero) return; // turned off: the operator runs `keys retention` instead
        // The first run a few minutes after start (not a whole interval): a process restarted daily still runs it.
        var wait = TimeSpan.FromMinutes(5) < interval ? TimeSpan.FromMinutes(5) : interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, stoppingToken);
                wait = interval;
                await services.GetRequiredService<KeyOperations>().ApplyRetentionAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                logger.LogError(ex, "Retention sweep failed; it runs again after {Interval}", interval);
            }
        }
    }
}
