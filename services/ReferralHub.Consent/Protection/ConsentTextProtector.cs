using Microsoft.AspNetCore.DataProtection;

namespace ReferralHub.Consent.Protection;

/// <summary>
/// The one seam through which the registry's free-text fields (override justification, a withhold's "other" reason) are
/// protected at rest, scoped to the agency and case so destroying that scope's keys makes the text unreadable.
/// </summary>
public interface IConsentTextProtector
{
    Task<string> ProtectAsync(string agencyCode, string caseCode, string text, CancellationToken cancellationToken = default);

    Task<string> UnprotectAsync(string agencyCode, string caseCode, string protectedText, CancellationToken cancellationToken = default);
}

/// <summary>Interim implementation on ASP.NET Core Data Protection, one purpose string per agency and case.</summary>
internal sealed class DataProtectionConsentTextProtector(IDataProtectionProvider provider) : IConsentTextProtector
{
    public Task<string> ProtectAsync(string agencyCode, string caseCode, string text, CancellationToken cancellationToken = default) =>
        Task.FromResult(Protector(agencyCode, caseCode).Protect(text));

    public Task<string> UnprotectAsync(string agencyCode, string caseCode, string protectedText, CancellationToken cancellationToken = default) =>
        Task.FromResult(Protector(agencyCode, caseCode).Unprotect(protectedText));

    private IDataProtector Protector(string agencyCode, string caseCode) =>
        provider.CreateProtector("ReferralHub.Consent.FreeText", agencyCode, caseCode);
}
