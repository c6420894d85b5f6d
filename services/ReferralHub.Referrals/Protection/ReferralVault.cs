using System.Text.Json;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Protection;

/// <summary>
/// The one seam through which referral personal data is written: JSON, encrypted under the case's scope (inside the
/// agency's scope, so destroying either makes it unreadable). It has no way to read it back: reading is the
/// <see cref="Release.ReleaseGate"/>'s alone.
/// </summary>
public sealed class ReferralVault(IPersonalDataProtector<ReferralsDbContext> protector)
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The referring agency's case scope; a case transfer does not move it (the data was given to that agency).</summary>
    public static string Scope(Referral referral) => ProtectionScopes.Case(referral.OriginAgencyCode, referral.OriginCaseCode);

    public static string Scope(string agency, string caseCode) => ProtectionScopes.Case(agency, caseCode);

    public Task<string> ProtectAsync<T>(string scope, T value, CancellationToken cancellationToken) =>
        protector.ProtectAsync(scope, JsonSerializer.Serialize(value, JsonOptions), cancellationToken);

    public Task<string> ProtectTextAsync(string scope, string value, CancellationToken cancellationToken) =>
        protector.ProtectAsync(scope, value, cancellationToken);

    /// <summary>Whether a retried submission carries the same body (the stored hash is not personal data shown to anyone).</summary>
    public async Task<bool> RequestHashMatchesAsync(Referral referral, string hash, CancellationToken cancellationToken) =>
        string.Equals(await protector.UnprotectAsync(Scope(referral), referral.RequestHashProtected, cancellationToken), hash, StringComparison.Ordinal);
}
