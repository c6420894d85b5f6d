using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace ReferralHub.Gateway.Accounts;

/// <summary>
/// Checks a password with the same hasher work whether or not there is a hash to check it against: an unknown e-mail,
/// or an invited person who has not set a password yet, is checked against a throwaway hash of a random secret (made
/// once, with the current hasher settings), so the answer takes as long as a wrong password for a real account.
/// </summary>
public sealed class PasswordCheck(IPasswordHasher<PersonAccount> hasher)
{
    // Made once per process (the hasher is scoped; making it per request would double the work for unknown e-mails).
    private static string? s_throwawayHash;

    private string ThrowawayHash => s_throwawayHash ??=
        hasher.HashPassword(new PersonAccount { DisplayName = "-" }, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public bool Verify(PersonAccount? user, string password)
    {
        var hash = user?.PasswordHash;
        var result = hasher.VerifyHashedPassword(user ?? new PersonAccount { DisplayName = "-" }, hash ?? ThrowawayHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
