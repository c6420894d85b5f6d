namespace ReferralHub.Contracts.Taxonomy;

/// <summary>
/// The service-type list, with stable codes, shared by every service and message. It joins the two lists of the seed
/// forms (seed 000): the Referral form's "Type of service requested" and the Consent &amp; Assent form's
/// "Information can be shared for the following services". A consent is given per <see cref="ConsentCategory"/>;
/// a referral asks for a <see cref="ServiceType"/>, and each service type names the consent category that must cover it.
/// Codes never change meaning; a new version adds codes (see docs/taxonomy.md).
/// </summary>
public static class ServiceTypes
{
    public const string TaxonomyVersion = "2026-11";

    public static IReadOnlyList<ConsentCategory> ConsentCategories { get; } =
    [
        new("alternative-care", "Alternative care"),
        new("cash-assistance", "Cash assistance"),
        new("education-formal", "Education (formal)"),
        new("family-tracing-reunification", "Family tracing and reunification"),
        new("food", "Food"),
        new("gbv-survivor-support", "GBV survivor support"),
        new("legal-support", "Legal support"),
        new("livelihoods", "Livelihoods"),
        new("medical", "Medical"),
        new("mental-health", "Mental health"),
        new("non-food-items", "Non-food items"),
        new("non-formal-education", "Non-formal education"),
        new("nutrition", "Nutrition"),
        new("psychosocial-support", "Psychosocial support"),
        new("disability-services", "Services for children with disabilities"),
        new("shelter", "Shelter"),
        new("sexual-reproductive-health", "Sexual and reproductive health"),
        new("rescue", "Rescue"),
        new("wash", "WASH"),
        new("other", "Other"),
    ];

    /// <summary>The purpose a transfer's consent is given for (the form's "Case Transfer" box); not a service type.</summary>
    public const string CaseTransferPurpose = "case-transfer";

    public static IReadOnlyList<ServiceType> All { get; } =
    [
        new("alternative-care", "Alternative care", "alternative-care"),
        // "Security (e.g. safe shelter)" is protection from harm, which the consent form calls rescue, not the shelter sector.
        new("security-safe-shelter", "Security (e.g. safe shelter)", "rescue"),
        new("education-formal", "Education (formal)", "education-formal"),
        new("non-formal-education", "Non-formal education", "non-formal-education"),
        new("family-tracing-reunification", "Family tracing and reunification", "family-tracing-reunification"),
        new("basic-psychosocial-support", "Basic psychosocial support", "psychosocial-support"),
        // Focused care already touches the child's mental health: it needs the stricter "mental health" consent.
        new("focused-non-specialised-mhpss", "Focused non-specialised MHPSS care", "mental-health"),
        new("specialised-mhpss", "Specialised MHPSS services", "mental-health"),
        new("food", "Food", "food"),
        new("non-food-items", "Non-food items", "non-food-items"),
        new("cash-assistance", "Cash assistance", "cash-assistance"),
        new("livelihoods", "Livelihoods", "livelihoods"),
        new("medical", "Medical", "medical"),
        new("nutrition", "Nutrition", "nutrition"),
        new("legal-support", "Legal support", "legal-support"),
        new("documentation", "Documentation", "legal-support"),
        new("disability-services", "Services for children with disabilities", "disability-services"),
        new("sexual-reproductive-health", "Sexual and reproductive health", "sexual-reproductive-health"),
        new("shelter", "Shelter", "shelter"),
        new("wash", "WASH", "wash"),
        new("durable-solution", "Durable solution (in coordination with UNHCR)", "other"),
        new("relocation", "Relocation", "other"),
        new("gbv-survivor-support", "GBV survivor support", "gbv-survivor-support"),
        new("rescue", "Rescue", "rescue"),
        new("other", "Other", "other"),
        // Not on the Referral form: the directory's type for agencies that take over whole cases (transfers, seed 001).
        // A transfer's consent is the form's "Case Transfer" box; a referral cannot ask for this type.
        new(CaseManagement, "Case management", CaseTransferPurpose),
    ];

    /// <summary>Service type of case management agencies, the receivers of transfers.</summary>
    public const string CaseManagement = "case-management";

    private static readonly Dictionary<string, ServiceType> ByCode = All.ToDictionary(t => t.Code, StringComparer.Ordinal);
    private static readonly HashSet<string> CategoryCodes = [.. ConsentCategories.Select(c => c.Code)];

    public static bool IsServiceType(string? code) => code is not null && ByCode.ContainsKey(code);

    public static bool IsConsentCategory(string? code) => code is not null && CategoryCodes.Contains(code);

    public static ServiceType? Find(string? code) => code is not null && ByCode.TryGetValue(code, out var type) ? type : null;
}

/// <summary>A box on the Consent &amp; Assent form.</summary>
public sealed record ConsentCategory(string Code, string Name);

/// <summary>A box on the Referral form; <paramref name="ConsentCategory"/> is the consent box that must cover it.</summary>
public sealed record ServiceType(string Code, string Name, string ConsentCategory);
