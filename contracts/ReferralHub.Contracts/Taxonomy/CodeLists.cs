namespace ReferralHub.Contracts.Taxonomy;

// The hub's code lists, one copy each: the services validate with them, the FHIR facade maps them, the portal offers
// them. Codes never change meaning; a new version adds codes (docs/taxonomy.md).

/// <summary>Seed 000, Referral form: high — respond within 24 hours; medium — within 3 days; low — within 1 week.</summary>
public static class Priorities
{
    public const string High = "high";
    public const string Medium = "medium";
    public const string Low = "low";

    public static readonly IReadOnlyList<string> All = [High, Medium, Low];
}

/// <summary>How soon a case transfer must be answered (seeds 000, 001): the same three words as a referral's priority.</summary>
public static class TransferUrgencies
{
    public static readonly IReadOnlyList<string> All = [Priorities.High, Priorities.Medium, Priorities.Low];

    /// <summary>Most urgent first: the place of <paramref name="urgency"/> in <see cref="All"/> (unknown codes last).</summary>
    public static int Rank(string? urgency)
    {
        for (var i = 0; i < All.Count; i++) if (All[i] == urgency) return i;
        return All.Count;
    }
}

/// <summary>Seed 000: the risk level of the initial or comprehensive assessment, as a transfer's capacity summary gives it.</summary>
public static class RiskLevels
{
    public static readonly IReadOnlyList<string> All = ["high", "medium", "low"];
}

/// <summary>Why a provider declines a referral.</summary>
public static class DeclineReasons
{
    public const string NoCapacity = "no-capacity";
    public const string NotEligible = "not-eligible";
    public const string ServiceNotAvailable = "service-not-available";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [NoCapacity, NotEligible, ServiceNotAvailable, Other];
}

/// <summary>Why the referring agency withdraws a referral.</summary>
public static class WithdrawReasons
{
    public static readonly IReadOnlyList<string> All =
        ["no-longer-needed", "service-found-elsewhere", "child-moved", "case-closed", "consent-withdrawn", "other"];
}

/// <summary>Seed 000, Referral form's feedback part: how satisfied the child and the caregiver were with the service.</summary>
public static class Satisfaction
{
    public static readonly IReadOnlyList<string> All = ["high", "medium", "low"];
}

/// <summary>
/// The one age-band list of the referral summary and the transfer capacity summary: wide enough not to identify a
/// child, narrow enough for eligibility. Five-year groups up to 14 (the seeds give no bands of their own; these are
/// the ones transfers already took from agencies' systems), then 15-17 to majority, and 18+ for a case kept open past
/// 18 (seed 001, case closure).
/// </summary>
public static class AgeBands
{
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = ["0-4", "5-9", "10-14", "15-17", "18+", Unknown];

    /// <summary>The band of an age in whole years; <see cref="Unknown"/> without one.</summary>
    public static string Of(int? age) => age switch
    {
        null or < 0 => Unknown,
        < 5 => "0-4",
        < 10 => "5-9",
        < 15 => "10-14",
        < 18 => "15-17",
        _ => "18+",
    };
}

/// <summary>Why a receiving agency declines a transfer's capacity request.</summary>
public static class TransferDeclineReasons
{
    public static readonly IReadOnlyList<string> All = ["no-capacity", "outside-mandate", "outside-area", "other"];
}

/// <summary>
/// Why the sending agency's supervisor refuses a transfer: a code, never free text, so the reason travels in the
/// change feed to the caseworker's system without carrying anything about the child.
/// </summary>
public static class ApprovalRefusalReasons
{
    public static readonly IReadOnlyList<string> All = ["not-in-best-interests", "more-information-needed", "receiving-agency-unsuitable", "other"];
}
