using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Model;

namespace ReferralHub.Directory.Hsds;

public static class HsdsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
        // Readable names (apostrophes, dashes) in exports; ASP.NET Core still writes a JSON content type, never HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>Directory entries → HSDS 3.0 records. <c>full</c> adds the one-to-many parts (contacts, languages, areas…).</summary>
public static class HsdsMapper
{
    public const string AgencyCodeScheme = "referralhub-agency-code";

    public static IReadOnlyList<HsdsTaxonomy> Taxonomies { get; } =
    [
        Taxonomy(HsdsTaxonomies.ServiceTypes, "ReferralHub service types", "The service-type list of the inter-agency Referral and Consent forms (docs/taxonomy.md)."),
        Taxonomy(HsdsTaxonomies.ProtectionConcerns, "ReferralHub protection concerns", "Protection concerns a service is limited to (eligibility)."),
        Taxonomy(HsdsTaxonomies.Sexes, "ReferralHub sexes", "Sexes a service is limited to (eligibility)."),
        Taxonomy(HsdsTaxonomies.OrganisationKinds, "ReferralHub organisation kinds", "UN, INGO, NNGO, government, CBO."),
    ];

    // HSDS requires a description on every term: the codes' meanings, in the words of the seed forms.
    private static readonly Dictionary<string, string> ConcernDescriptions = new(StringComparer.Ordinal)
    {
        ["physical-abuse"] = "Children who have experienced physical violence or abuse.",
        ["sexual-violence"] = "Children who have experienced sexual violence or abuse.",
        ["emotional-abuse"] = "Children who have experienced emotional or psychological abuse.",
        ["neglect"] = "Children whose basic needs are neglected by those responsible for them.",
        ["child-labour"] = "Children in child labour, including its worst forms.",
        ["child-marriage"] = "Children who are married or at risk of child marriage.",
        ["unaccompanied-separated"] = "Unaccompanied or separated children.",
        ["armed-forces-association"] = "Children associated with armed forces or armed groups.",
        ["psychological-distress"] = "Children in psychological distress.",
        ["trafficking"] = "Children who have been trafficked or are at risk of trafficking.",
        ["detention"] = "Children in detention.",
        ["disability"] = "Children with disabilities.",
        ["other"] = "Another protection concern, described in the referral.",
    };

    private static readonly Dictionary<string, (string Name, string Description)> KindNames = new(StringComparer.Ordinal)
    {
        ["un"] = ("UN", "A United Nations agency."),
        ["ingo"] = ("INGO", "An international non-governmental organisation."),
        ["nngo"] = ("NNGO", "A national non-governmental organisation."),
        ["government"] = ("Government", "A government ministry, department or authority."),
        ["cbo"] = ("CBO", "A community-based organisation."),
    };

    public static IReadOnlyList<HsdsTaxonomyTerm> Terms { get; } =
    [
        .. ServiceTypes.All.Select(t => Term(HsdsTaxonomies.ServiceTypes, t.Code, t.Name,
            $"{t.Name}. Shared only with consent for \"{ServiceTypes.ConsentCategories.FirstOrDefault(c => c.Code == t.ConsentCategory)?.Name ?? "case transfer"}\".")),
        .. ProtectionConcerns.All.Select(c => Term(HsdsTaxonomies.ProtectionConcerns, c, Humanise(c),
            ConcernDescriptions.GetValueOrDefault(c) ?? $"Children with the protection concern {Humanise(c)}.")),
        .. Sexes.All.Select(s => Term(HsdsTaxonomies.Sexes, s, Humanise(s), $"The service is open to children of sex {s}.")),
        .. OrganisationKinds.All.Select(k => Term(HsdsTaxonomies.OrganisationKinds, k, KindNames.GetValueOrDefault(k).Name ?? k.ToUpperInvariant(),
            KindNames.GetValueOrDefault(k).Description ?? $"Organisation kind {k}.")),
    ];

    private static readonly Dictionary<string, HsdsTaxonomyTerm> TermsById = Terms
        .SelectMany(t => new[] { (t.Id, t), (HsdsTaxonomies.LegacyTermId(t.Taxonomy, t.Code), t) })
        .ToDictionary(x => x.Item1, x => x.t, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, HsdsTaxonomy> TaxonomiesById = Taxonomies
        .SelectMany(t => new[] { (t.Id, t), (t.Code, t) })
        .ToDictionary(x => x.Item1, x => x.t, StringComparer.OrdinalIgnoreCase);

    private static HsdsTaxonomy Taxonomy(string code, string name, string description) =>
        new(HsdsTaxonomies.TaxonomyId(code), name, description, HsdsTaxonomies.UriPrefix + code, ServiceTypes.TaxonomyVersion);

    private static HsdsTaxonomyTerm Term(string taxonomy, string code, string name, string description) =>
        new(HsdsTaxonomies.TermId(taxonomy, code), code, name, description, HsdsTaxonomies.TaxonomyId(taxonomy), taxonomy, ServiceTypes.TaxonomyVersion);

    private static string Humanise(string code) => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(code.Replace('-', ' '));

    /// <summary>A term by its UUID, or by the <c>&lt;taxonomy&gt;:&lt;code&gt;</c> name used before ids were UUIDs.</summary>
    public static HsdsTaxonomyTerm? FindTerm(string? id) => id is null ? null : TermsById.GetValueOrDefault(id);

    /// <summary>A taxonomy by its UUID or its code.</summary>
    public static HsdsTaxonomy? FindTaxonomy(string? id) => id is null ? null : TaxonomiesById.GetValueOrDefault(id);

    /// <summary>The codes of one taxonomy's terms among attributes (import): term ids in either form.</summary>
    public static List<string> CodesOf(IEnumerable<HsdsAttribute>? attributes, string taxonomy) =>
        [.. (attributes ?? []).Select(a => FindTerm(a.TaxonomyTermId)).Where(t => t?.Taxonomy == taxonomy).Select(t => t!.Code)];

    /// <param name="contacts">False for anonymous readers of a published directory: focal points' names, e-mails and phones are not public.</param>
    public static HsdsOrganization Organization(Organisation o, bool full, IEnumerable<HsdsService>? services = null, bool contacts = true) =>
        new(o.Id.ToString(), o.Name, o.Acronym,
            // HSDS requires a description; the directory's is optional.
            o.Description ?? $"{o.Name} ({FindTerm(HsdsTaxonomies.TermId(HsdsTaxonomies.OrganisationKinds, o.Kind))?.Name ?? o.Kind}).",
            o.Website,
            [new HsdsOrganizationIdentifier(HsdsIds.For("org-identifier", o.Id.ToString()), o.Id.ToString(), AgencyCodeScheme, "agency-code", o.Code)],
            full && contacts ? [.. o.FocalPoints.Select(f => Contact(f, o.Id.ToString(), null))] : null,
            [Attribute(o.Id.ToString(), "organization", "organisation_kind", HsdsTaxonomies.TermId(HsdsTaxonomies.OrganisationKinds, o.Kind),
                FindTerm(HsdsTaxonomies.TermId(HsdsTaxonomies.OrganisationKinds, o.Kind)))],
            services?.ToList());

    public static HsdsContact Contact(FocalPoint f, string? organizationId, string? serviceId) =>
        new(f.Id.ToString(), organizationId, serviceId, f.Name, f.Role, f.Email,
            f.Phone is null ? [] : [new HsdsPhone(HsdsIds.For("phone", f.Id.ToString()), f.Phone, f.Id.ToString())]);

    private static HsdsAttribute Attribute(string linkId, string linkEntity, string linkType, string termId, HsdsTaxonomyTerm? term, string? value = null) =>
        new(HsdsIds.For("attribute", linkId, termId), linkId, linkType, linkEntity, termId, term, value);

    public static HsdsService Service(DirectoryService s, Organisation o, DirectoryView? view, bool full, bool extension, DateTime now, bool contacts = true)
    {
        var id = s.Id.ToString();
        var attributes = new List<HsdsAttribute>();
        void Add(string taxonomy, string code, string linkType)
        {
            var termId = HsdsTaxonomies.TermId(taxonomy, code);
            attributes.Add(Attribute(id, "service", linkType, termId, FindTerm(termId)));
        }
        Add(HsdsTaxonomies.ServiceTypes, s.ServiceType, "service_type");
        foreach (var c in s.ProtectionConcerns) Add(HsdsTaxonomies.ProtectionConcerns, c, "eligibility");
        foreach (var x in s.Sexes) Add(HsdsTaxonomies.Sexes, x, "eligibility");

        return new HsdsService(
            id, o.Id.ToString(), s.Name, s.Description,
            // HSDS status codelist: active, inactive, defunct, temporarily closed.
            s.Retired ? "defunct" : s.AcceptingAt(now) ? "active" : "temporarily closed",
            s.MinAge, s.MaxAge, Eligibility(s), s.HowToRefer, s.AcceptingAt(now) ? null : s.NotAcceptingReason,
            s.LastReviewedAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            extension ? null : s.UpdatedAt,
            attributes,
            full ? [.. s.Languages.Select(l => new HsdsLanguage(HsdsIds.For("language", id, l), id, l))] : null,
            full && contacts ? [.. s.FocalPoints.Select(f => Contact(f, null, id))] : null,
            full && s.Hours is not null ? [new HsdsSchedule(HsdsIds.For("schedule", id), id, s.Hours)] : full ? [] : null,
            full ? [.. s.AreaCodes.Select(a => new HsdsServiceArea(HsdsIds.For("service-area", id, a), id, view?.Areas.GetValueOrDefault(a)?.Name ?? a, a))] : null,
            null,
            extension ? new HsdsServiceExtension(s.AreaCodes, s.Accepting, s.NotAcceptingReason, s.NotAcceptingUntil, s.CapacityNote, s.LastReviewedAt, s.LastReviewedBy) : null);
    }

    private static string? Eligibility(DirectoryService s)
    {
        var parts = new List<string>();
        if (s.MinAge is not null || s.MaxAge is not null) parts.Add($"Ages {s.MinAge?.ToString(CultureInfo.InvariantCulture) ?? "0"}–{s.MaxAge?.ToString(CultureInfo.InvariantCulture) ?? "any"}");
        if (s.Sexes.Count > 0) parts.Add("sex: " + string.Join(", ", s.Sexes));
        if (s.ProtectionConcerns.Count > 0) parts.Add("protection concerns: " + string.Join(", ", s.ProtectionConcerns));
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    public static HsdsLocation Location(Area a) => new(HsdsIds.For("location", a.Code), "physical", a.Name, $"{a.Level} {a.Code}", a.Code);
}
