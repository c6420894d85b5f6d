using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ReferralHub.Gateway.Tokens;

/// <summary>
/// The symmetric key OpenIddict encrypts authorization codes and refresh tokens with, derived (HKDF-SHA256) from the
/// token signing key. Every gateway replica and every restart holds the same signing key (<c>Auth:SigningKeyPem</c>, or
/// the key file in the data folder), so a code issued by one replica is redeemed at another and a person's refresh
/// token survives a restart — without a second secret to distribute and rotate.
/// </summary>
public static class TokenEncryptionKey
{
    private static readonly byte[] Purpose = "referralhub:gateway:token-encryption:v1"u8.ToArray();

    public static SymmetricSecurityKey DerivedFrom(RsaSecurityKey signingKey)
    {
        var rsa = signingKey.Rsa ?? throw new InvalidOperationException("The token signing key has no private key.");
        var secret = HKDF.DeriveKey(HashAlgorithmName.SHA256, rsa.ExportPkcs8PrivateKey(), 32, salt: [], info: Purpose);
        return new SymmetricSecurityKey(secret) { KeyId = $"{signingKey.KeyId}-enc" };
    }
}
