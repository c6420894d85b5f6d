namespace ReferralHub.Consent.Overrides;

/// <summary>
/// The only grounds on which a supervisor may authorise sharing without consent. Seed 000, Consent &amp; Assent form,
/// part 4: "Authorization may be provided by the supervisor of the caseworker in situations where the child is without a
/// parent/guardian and the child is too young to consent themselves and/or when the child is in imminent danger
/// (including sexual violence and severe abuse)."
/// </summary>
public static class OverrideGrounds
{
    /// <summary>"the child is without a parent/guardian and the child is too young to consent themselves".</summary>
    public const string NoCaregiverChildTooYoung = "no-caregiver-child-too-young";

    /// <summary>"the child is in imminent danger (including sexual violence and severe abuse)".</summary>
    public const string ImminentDanger = "imminent-danger";

    /// <summary>Imminent danger: sexual violence.</summary>
    public const string ImminentDangerSexualViolence = "imminent-danger-sexual-violence";

    /// <summary>Imminent danger: severe abuse.</summary>
    public const string ImminentDangerSevereAbuse = "imminent-danger-severe-abuse";

    public static IReadOnlyList<string> All { get; } = [NoCaregiverChildTooYoung, ImminentDanger, ImminentDangerSexualViolence, ImminentDangerSevereAbuse];

    public static bool IsAllowed(string? ground) => ground is not null && All.Contains(ground, StringComparer.Ordinal);
}
