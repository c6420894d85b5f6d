using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ReferralHub.Testing.Hub;

/// <summary>
/// The settings a hub needs outside Development (docs/operations.md, "Production posture"): a configured signing key,
/// a key ring outside the data folder protected by a certificate, no http authority, no demo secrets.
/// Keys are made once per test run; nothing here is published anywhere.
/// </summary>
public static class ProductionSettings
{
    private static readonly Lazy<string> SigningKey = new(NewSigningKeyPem);
    private static readonly Lazy<(string Certificate, string Key)> KeyRingCertificate = new(() => NewCertificatePem("CN=referralhub key ring (tests)"));

    public static string SigningKeyPem => SigningKey.Value;

    public static string NewSigningKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>A self-signed RSA certificate and its private key, both PEM.</summary>
    public static (string Certificate, string Key) NewCertificatePem(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>Safe settings for a hub whose key ring lives in <paramref name="keyRingDirectory"/> (outside its data folder).</summary>
    public static Dictionary<string, string?> For(string keyRingDirectory) => new()
    {
        ["Auth:SigningKeyPem"] = SigningKeyPem,
        ["Protection:KeyRingDirectory"] = keyRingDirectory,
        ["Protection:CertificatePem"] = KeyRingCertificate.Value.Certificate,
        ["Protection:CertificateKeyPem"] = KeyRingCertificate.Value.Key,
    };
}
