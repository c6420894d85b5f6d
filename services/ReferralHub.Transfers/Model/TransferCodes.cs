using System.Text.RegularExpressions;
using ReferralHub.Contracts.Taxonomy;

namespace ReferralHub.Transfers.Model;

/// <summary>The code lists a transfer uses (seeds 000, 001, 004).</summary>
public static partial class TransferCodes
{
    /// <summary>Seed 001: "there must be good cause"; the sending agency records which.</summary>
    public static readonly IReadOnlyList<string> Reasons =
    [
        "child-moved",              // the child moved but still needs a case plan (seed 001)
        "agency-leaving-area",      // the agency closes its programme or leaves the camp (seeds 001, 004)
        "mandate-change",           // the agency's mandate or project changed
        "better-placed-agency",     // another agency is better placed to lead (e.g. GBV case management, seed 004)
        "other",
    ];

    public static IReadOnlyList<string> Urgencies => TransferUrgencies.All;

    public static readonly IReadOnlyList<string> Sexes = ["female", "male", "other", "unknown"];

    /// <summary>Seed 000, risk level of the initial/comprehensive assessment.</summary>
    public static IReadOnlyList<string> RiskLevels => Contracts.Taxonomy.RiskLevels.All;

    // Urgencies, risk levels, age bands, decline reasons and approval refusal reasons are the hub's code lists (ReferralHub.Contracts.Taxonomy).

    /// <summary>Seed 004: "Case workers should not manage more than 25 cases at any given time".</summary>
    public const int CaseloadLimit = 25;

    public static bool IsCode(string? value) => value is not null && CodePattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex CodePattern();
}
