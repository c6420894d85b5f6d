using System.Text.Json;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Protection;

/// <summary>
/// The one seam through which referral personal data is written and read: JSON, encrypted under the case's scope
/// (inside the agency's scope, so destroying either makes it unreadable).
/// </summary>
public sealed class ReferralVault(IPersonalDataProtector<ReferralsDbContext> protector)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The referring agency's case scope; a case transfer does not move it (the data was given to that agency).</summary>
    public static string Scope(Referral referral) => ProtectionScopes.Case(referral.OriginAgencyCode, referral.OriginCaseCode);

    public static string Scope(string agency, string caseCode) => ProtectionScopes.Case(agency, caseCode);

    public Task<string> ProtectAsync<T>(string scope, T value, CancellationToken cancellationToken) =>
        protector.ProtectAsync(scope, JsonSerializer.Serialize(value, Json), cancellationToken);

    public Task<string> ProtectTextAsync(string scope, string value, CancellationToken cancellationToken) =>
        protector.ProtectAsync(scope, value, cancellationToken);

    /// <summary>The value, or default when the scope's keys were destroyed (the data is gone for good).</summary>
    public async Task<T?> UnprotectAsync<T>(string scope, string? ciphertext, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(ciphertext)) return default;
        var json = await protector.UnprotectAsync(scope, ciphertext, cancellationToken);
        return json is null ? default : JsonSerializer.Deserialize<T>(json, Json);
    }

    public async Task<string?> UnprotectTextAsync(string scope, string? ciphertext, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(ciphertext) ? null : await protector.UnprotectAsync(scope, ciphertext, cancellationToken);
}
