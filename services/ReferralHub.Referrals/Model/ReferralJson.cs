using System.Text.Json;

namespace ReferralHub.Referrals.Model;

/// <summary>
/// The JSON the referral service reads a submitted referral with and writes into its own columns (candidates, released
/// items, focal points): web defaults, no trailing commas. One instance, shared by every slice.
/// </summary>
public static class ReferralJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = false };

    /// <summary>The services a referral may be offered to, in the pathway's order (stored when it was submitted).</summary>
    public static List<Candidate> Candidates(this Referral referral) =>
        JsonSerializer.Deserialize<List<Candidate>>(referral.CandidatesJson, Options) ?? [];
}
