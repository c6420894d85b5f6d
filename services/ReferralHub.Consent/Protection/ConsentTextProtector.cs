using ReferralHub.Consent.Persistence;
using ReferralHub.Hosting.Protection;

namespace ReferralHub.Consent.Protection;

/// <summary>
/// The one seam through which the registry's free-text fields (override justification, a withhold's "other" reason) are
/// protected at rest, under the case's own scope, so destroying the case's or the agency's keys makes the text unreadable.
/// </summary>
public interface IConsentTextProtector
{
    Task<string> ProtectAsync(string agencyCode, string caseCode, string text, CancellationToken cancellationToken = default);

    /// <summary>The text, or null once the case's (or agency's) keys were destroyed.</summary>
    Task<string?> UnprotectAsync(string agencyCode, string caseCode, string protectedText, CancellationToken cancellationToken = default);
}

/// <summary>On the hub's personal-data protection: AES-GCM under a per-case key kept in the registry's own database.</summary>
internal sealed class ConsentTextProtector(IPersonalDataProtector<ConsentRegistryDbContext> protector) : IConsentTextProtector
{
    public Task<string> ProtectAsync(string agencyCode, string caseCode, string text, CancellationToken cancellationToken = default) =>
        protector.ProtectAsync(ProtectionScopes.Case(agencyCode, caseCode), text, cancellationToken);

    public Task<string?> UnprotectAsync(string agencyCode, string caseCode, string protectedText, CancellationToken cancellationToken = default) =>
        protector.UnprotectAsync(ProtectionScopes.Case(agencyCode, caseCode), protectedText, cancellationToken);
}
