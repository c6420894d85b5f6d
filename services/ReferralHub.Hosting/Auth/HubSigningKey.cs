using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Posture;

namespace ReferralHub.Hosting.Auth;

/// <summary>
/// The RSA key the built-in token server signs with. Configured as PEM (<c>Auth:SigningKeyPem</c>, e.g. from a secret store)
/// or, when absent, created once in the data folder with owner-only permissions so tokens survive a restart.
/// In the embedded host the API validates with the same key directly; separate services fetch it from the authority's JWKS.
/// </summary>
public sealed class HubSigningKey
{
    public HubSigningKey(IConfiguration configuration, IHostEnvironment environment, IEnumerable<TokenIssuerInProcess> issuer)
    {
        var rsa = RSA.Create();
        var pem = PemSetting.Read(configuration, "Auth:SigningKeyPem");
        if (!string.IsNullOrWhiteSpace(pem))
        {
            rsa.ImportFromPem(pem);
        }
        else
        {
            var path = Path.Combine(ServiceDatabase.DataDirectory(configuration, environment), "keys", "token-signing.pem");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
            {
                rsa.ImportFromPem(File.ReadAllText(path));
            }
            else if (issuer.Any())
            {
                rsa.KeySize = 2048;
                WriteOwnerOnly(path, rsa.ExportPkcs8PrivateKeyPem());
            }
            else
            {
                // A service that neither issues tokens nor knows where to fetch keys would reject every token: say so at once.
                throw new InvalidOperationException(
                    "No token signing key: set Auth:Authority to the gateway's URL (distributed mode) or Auth:SigningKeyPem.");
            }
        }

        Key = WithKeyId(rsa);
        if (PemSetting.Read(configuration, "Auth:PreviousSigningKeyPem") is { Length: > 0 } previousPem)
        {
            var previous = RSA.Create();
            previous.ImportFromPem(previousPem);
            PreviousKeys = [WithKeyId(previous)];
        }
    }

    /// <summary>The key new tokens are signed with.</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>
    /// The key before the last rotation (<c>Auth:PreviousSigningKeyPem</c>): still published in the JWKS and accepted, so
    /// tokens it signed stay valid until they expire; nothing new is signed with it (docs/operations.md, "Rotation").
    /// </summary>
    public IReadOnlyList<RsaSecurityKey> PreviousKeys { get; } = [];

    /// <summary>Every key a token may be signed with: the current one first.</summary>
    public IEnumerable<SecurityKey> ValidationKeys => [Key, .. PreviousKeys];

    /// <summary>A new RSA signing key in PEM (the <c>keys new-signing-key</c> verb): what <c>Auth:SigningKeyPem</c> takes.</summary>
    public static string NewPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static RsaSecurityKey WithKeyId(RSA rsa) =>
        new(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16] };

    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}

/// <summary>Registered by the gateway module: this process issues tokens, so it may create the signing key.</summary>
public sealed class TokenIssuerInProcess;
