using ReferralHub.Contracts.Referrals;

namespace ReferralHub.Referrals.Model;

/// <summary>What a provider is told of a referral's status: "withdrawn" for any way it left them before acceptance, never why.</summary>
public static class ProviderStatus
{
    public static string Of(string status) => status switch
    {
        ReferralStatuses.BlockedConsent => ReferralStatuses.Withdrawn,
        ReferralStatuses.Unplaced => ReferralStatuses.Declined,
        _ => status,
    };
}
