using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Auth;

/// <summary>
/// The RSA key the built-in token server signs with. Configured as PEM (<c>Auth:SigningKeyPem</c>, e.g. from a secret store)
/// or, when absent, created once in the data folder with owner-only permissions so tokens survive a restart.
/// In the embedded host the API validates with the same key directly; separate services fetch it from the authority's JWKS.
/// </summary>
public sealed class HubSigningKey
{
    public HubSigningKey(IConfiguration configuration, IHostEnvironment environment)
    {
        var rsa = RSA.Create();
        var pem = configuration["Auth:SigningKeyPem"];
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
            else
            {
                rsa.KeySize = 2048;
                var fresh = rsa.ExportPkcs8PrivateKeyPem();
                File.WriteAllText(path, fresh);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        Key = new RsaSecurityKey(rsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16] };
    }

    public RsaSecurityKey Key { get; }
}
