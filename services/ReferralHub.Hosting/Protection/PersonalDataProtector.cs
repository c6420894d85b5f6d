using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Protection;

/// <summary>
/// Envelope encryption: AES-256-GCM with a random data key per scope; data keys are stored in the service's own
/// database wrapped by ASP.NET Core Data Protection, whose key ring lives outside the database (see
/// docs/data-protection.md), so a copy of the database alone reads nothing.
/// Format: version byte, 16-byte key id, 12-byte nonce, 16-byte tag, ciphertext; the scope is the associated data.
/// </summary>
internal sealed class PersonalDataProtector<TContext>(
    IServiceScopeFactory scopes,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    ILogger<PersonalDataProtector<TContext>> logger) : IPersonalDataProtector<TContext>
    where TContext : ServiceDbContext, IProtectionKeyContext
{
    private const byte FormatVersion = 1;
    private const int KeyIdSize = 16, NonceSize = 12, TagSize = 16, HeaderSize = 1 + KeyIdSize + NonceSize + TagSize;
    private const string TextPrefix = "pd1:";

    // Unwrapped keys are cached briefly; a key destroyed by another process stops working here within this time.
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(5);

    internal const string WrapPurpose = "ReferralHub.Protection.ScopeKeys";

    private readonly IDataProtector _wrapper = dataProtection.CreateProtector(WrapPurpose, typeof(TContext).Name);
    private readonly ConcurrentDictionary<string, CachedKey> _byScope = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, CachedKey> _byId = new();
    private readonly SemaphoreSlim _creating = new(1, 1);

    public async Task<string> ProtectAsync(string scope, string plaintext, CancellationToken cancellationToken = default) =>
        TextPrefix + Convert.ToBase64String(await ProtectAsync(scope, Encoding.UTF8.GetBytes(plaintext), cancellationToken));

    public async Task<string?> UnprotectAsync(string scope, string ciphertext, CancellationToken cancellationToken = default)
    {
        if (!ciphertext.StartsWith(TextPrefix, StringComparison.Ordinal))
            throw new CryptographicException("Not a ReferralHub protected value.");
        var bytes = await UnprotectAsync(scope, Convert.FromBase64String(ciphertext[TextPrefix.Length..]), cancellationToken);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }

    public async Task<byte[]> ProtectAsync(string scope, byte[] plaintext, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        var key = await KeyForScopeAsync(scope, cancellationToken);
        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = FormatVersion;
        key.Id.TryWriteBytes(output.AsSpan(1, KeyIdSize));
        var nonce = output.AsSpan(1 + KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize), output.AsSpan(1 + KeyIdSize + NonceSize, TagSize), Encoding.UTF8.GetBytes(scope));
        return output;
    }

    public async Task<byte[]?> UnprotectAsync(string scope, byte[] ciphertext, CancellationToken cancellationToken = default)
    {
        if (ciphertext.Length < HeaderSize || ciphertext[0] != FormatVersion)
            throw new CryptographicException("Not a ReferralHub protected value.");
        var keyId = new Guid(ciphertext.AsSpan(1, KeyIdSize));
        var key = await KeyByIdAsync(keyId, cancellationToken);
        if (key is null) return null; // destroyed: the data is gone for good
        if (!string.Equals(key.Scope, scope, StringComparison.Ordinal))
            throw new CryptographicException("The value was protected under another scope.");
        var plaintext = new byte[ciphertext.Length - HeaderSize];
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Decrypt(ciphertext.AsSpan(1 + KeyIdSize, NonceSize), ciphertext.AsSpan(HeaderSize), ciphertext.AsSpan(1 + KeyIdSize + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(scope));
        return plaintext;
    }

    public async Task<int> DestroyScopeAsync(string scope, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        var inside = scope + "/";
        await using var serviceScope = scopes.CreateAsyncScope();
        var db = serviceScope.ServiceProvider.GetRequiredService<TContext>();
        var destroyed = await db.ProtectionKeys
            .Where(k => k.Scope == scope || k.Scope.StartsWith(inside))
            .ExecuteDeleteAsync(cancellationToken);
        foreach (var cached in _byScope.Values.Where(k => k.Scope == scope || k.Scope.StartsWith(inside, StringComparison.Ordinal)))
        {
            _byScope.TryRemove(cached.Scope, out _);
            _byId.TryRemove(cached.Id, out _);
        }
        logger.LogWarning("Destroyed {Count} protection keys of scope {Scope}: data encrypted under them is unreadable", destroyed, scope);
        return destroyed;
    }

    private async Task<CachedKey> KeyForScopeAsync(string scope, CancellationToken cancellationToken)
    {
        if (_byScope.TryGetValue(scope, out var cached) && !cached.IsOld(clock)) return cached;

        await using var serviceScope = scopes.CreateAsyncScope();
        var db = serviceScope.ServiceProvider.GetRequiredService<TContext>();
        var row = await db.ProtectionKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Scope == scope, cancellationToken);
        if (row is not null) return Remember(row);

        // One creator per process at a time (rare: once per agency or case), so concurrent first writes of a new case
        // do not race into the unique index; another process racing is still caught below.
        await _creating.WaitAsync(cancellationToken);
        try
        {
            row = await db.ProtectionKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Scope == scope, cancellationToken);
            if (row is not null) return Remember(row);
            var material = RandomNumberGenerator.GetBytes(32);
            row = new ProtectionKey { Id = Guid.NewGuid(), Scope = scope, WrappedKey = _wrapper.Protect(material), CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.ProtectionKeys.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another writer created the scope's key first (unique scope): use theirs.
                db.ChangeTracker.Clear();
                row = await db.ProtectionKeys.AsNoTracking().SingleAsync(k => k.Scope == scope, cancellationToken);
            }
            return Remember(row);
        }
        finally
        {
            _creating.Release();
        }
    }

    private async Task<CachedKey?> KeyByIdAsync(Guid id, CancellationToken cancellationToken)
    {
        if (_byId.TryGetValue(id, out var cached) && !cached.IsOld(clock)) return cached;
        await using var serviceScope = scopes.CreateAsyncScope();
        var db = serviceScope.ServiceProvider.GetRequiredService<TContext>();
        var row = await db.ProtectionKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (row is null)
        {
            _byId.TryRemove(id, out _);
            return null;
        }
        return Remember(row);
    }

    private CachedKey Remember(ProtectionKey row)
    {
        var key = new CachedKey(row.Id, row.Scope, _wrapper.Unprotect(row.WrappedKey), clock.GetUtcNow());
        _byScope[row.Scope] = key;
        _byId[row.Id] = key;
        return key;
    }

    private sealed record CachedKey(Guid Id, string Scope, byte[] Material, DateTimeOffset LoadedAt)
    {
        public bool IsOld(TimeProvider clock) => clock.GetUtcNow() - LoadedAt > CacheLifetime || clock.GetUtcNow() < LoadedAt;
    }
}
