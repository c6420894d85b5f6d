using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Gateway.Tokens;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// Authorization codes and refresh tokens are encrypted with a key derived from the signing key, so a gateway replica
/// (or the same gateway after a restart) that loaded the same signing key reads what another issued; a gateway with
/// another signing key does not.
/// </summary>
public sealed class TokenEncryptionKeyTests
{
    [Fact]
    public void A_code_encrypted_by_one_gateway_is_read_by_another_with_the_same_signing_key_only()
    {
        var pem = Pem();
        var issuedBy = TokenEncryptionKey.DerivedFrom(Load(pem));
        var sameKeyElsewhere = TokenEncryptionKey.DerivedFrom(Load(pem));
        var otherKey = TokenEncryptionKey.DerivedFrom(Load(Pem()));

        var handler = new JwtSecurityTokenHandler();
        var jwe = handler.CreateEncodedJwt(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", "portal:person-1")]),
            EncryptingCredentials = new EncryptingCredentials(issuedBy, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512),
        });

        Assert.Equal("portal:person-1", Read(jwe, sameKeyElsewhere).FindFirst("sub")?.Value);
        Assert.ThrowsAny<SecurityTokenException>(() => Read(jwe, otherKey));
    }

    private static ClaimsPrincipal Read(string jwe, SecurityKey key) =>
        new JwtSecurityTokenHandler { MapInboundClaims = false }.ValidateToken(jwe, new TokenValidationParameters
        {
            TokenDecryptionKey = key,
            ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false,
            RequireSignedTokens = false, SignatureValidator = (token, _) => new JwtSecurityToken(token),
        }, out _);

    private static string Pem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static RsaSecurityKey Load(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return new RsaSecurityKey(rsa) { KeyId = "k1" };
    }
}
