namespace ReferralHub.Fhir.Referrals;

/// <summary>The referral API's codes the facade maps (docs/api.md); kept in step with services/ReferralHub.Referrals.</summary>
public static class HubCodes
{
    public static class Priorities
    {
        public const string High = "high";
        public const string Medium = "medium";
        public const string Low = "low";
    }

    public static readonly IReadOnlyList<string> DeclineReasons = ["no-capacity", "not-eligible", "service-not-available", "other"];

    public static readonly IReadOnlyList<string> WithdrawReasons =
        ["no-longer-needed", "service-found-elsewhere", "child-moved", "case-closed", "consent-withdrawn", "other"];

    public static readonly IReadOnlyList<string> Satisfaction = ["high", "medium", "low"];
}
