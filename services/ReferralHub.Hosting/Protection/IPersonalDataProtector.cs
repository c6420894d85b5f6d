namespace ReferralHub.Hosting.Protection;

/// <summary>
/// Encrypts personal data at rest under a per-scope key (see <see cref="ProtectionScopes"/>). Ciphertext is bound to
/// its scope: it cannot be decrypted under another scope. After <see cref="DestroyScopeAsync"/> it cannot be
/// decrypted at all: <c>Unprotect</c> answers null.
/// Inject <see cref="IPersonalDataProtector{TContext}"/> with the service's own DbContext, where its keys live.
/// </summary>
public interface IPersonalDataProtector
{
    Task<string> ProtectAsync(string scope, string plaintext, CancellationToken cancellationToken = default);

    /// <summary>The plaintext, or null when the scope's key was destroyed.</summary>
    Task<string?> UnprotectAsync(string scope, string ciphertext, CancellationToken cancellationToken = default);

    Task<byte[]> ProtectAsync(string scope, byte[] plaintext, CancellationToken cancellationToken = default);

    /// <summary>The plaintext, or null when the scope's key was destroyed.</summary>
    Task<byte[]?> UnprotectAsync(string scope, byte[] ciphertext, CancellationToken cancellationToken = default);

    /// <summary>Deletes the keys of the scope and of every scope inside it (an agency's case scopes).</summary>
    Task<int> DestroyScopeAsync(string scope, CancellationToken cancellationToken = default);
}

/// <summary>The protector whose keys live in <typeparamref name="TContext"/> (one per service in the embedded host).</summary>
#pragma warning disable CA1711 // the type parameter names the owning service's DbContext; nothing else
public interface IPersonalDataProtector<TContext> : IPersonalDataProtector;
#pragma warning restore CA1711
