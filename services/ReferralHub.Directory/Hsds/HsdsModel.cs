using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace ReferralHub.Directory.Hsds;

// Open Referral HSDS 3.0 shapes (schema/compiled/*.json in openreferral/specification), only the fields the
// directory fills. Property names are HSDS's snake_case (see HsdsJson). Deviations are listed in docs/hsds.md.

public sealed record HsdsPage<T>(
    int TotalItems, int TotalPages, int PageNumber, int Size, bool FirstPage, bool LastPage, bool Empty, IReadOnlyList<T> Contents);

public sealed record HsdsMeta(string Version, string Profile, string OpenapiUrl, string Description, HsdsPublisher Publisher);

public sealed record HsdsPublisher(string Name, string? Website);

public sealed record HsdsOrganizationIdentifier(string Id, string OrganizationId, string IdentifierScheme, string IdentifierType, string Identifier);

public sealed record HsdsOrganization(
    string Id, string Name, string? AlternateName, string? Description, string? Website,
    IReadOnlyList<HsdsOrganizationIdentifier> OrganizationIdentifiers,
    IReadOnlyList<HsdsContact>? Contacts,
    IReadOnlyList<HsdsAttribute>? Attributes,
    IReadOnlyList<HsdsService>? Services = null);

public sealed record HsdsPhone(string Id, string Number, string? ContactId, string Type = "voice");

public sealed record HsdsContact(string Id, string? OrganizationId, string? ServiceId, string Name, string? Title, string? Email, IReadOnlyList<HsdsPhone> Phones);

public sealed record HsdsLanguage(string Id, string ServiceId, string Code);

public sealed record HsdsSchedule(string Id, string ServiceId, string Description);

public sealed record HsdsServiceArea(string Id, string ServiceId, string Name, string Extent, string ExtentType = "text");

/// <summary><c>uri</c> names the taxonomy by its code (<c>urn:referralhub:taxonomy:&lt;code&gt;</c>): HSDS ids are UUIDs.</summary>
public sealed record HsdsTaxonomy(string Id, string Name, string Description, string Uri, string Version)
{
    [JsonIgnore] public string Code => Uri[HsdsTaxonomies.UriPrefix.Length..];
}

/// <summary><c>taxonomy</c> is the taxonomy's code (HSDS: "which taxonomy is in use"); <c>code</c> the term's own code.</summary>
public sealed record HsdsTaxonomyTerm(string Id, string Code, string Name, string Description, string TaxonomyId, string Taxonomy, string Version,
    string? ParentId = null);

public sealed record HsdsAttribute(string Id, string LinkId, string LinkType, string LinkEntity, string TaxonomyTermId, HsdsTaxonomyTerm? TaxonomyTerm, string? Value = null);

public sealed record HsdsLocation(string Id, string LocationType, string Name, string? Description, string? AlternateName);

public sealed record HsdsServiceAtLocation(string Id, string ServiceId, string LocationId, HsdsLocation? Location, HsdsService? Service);

/// <summary>The directory's own fields HSDS has no place for; import reads them back (round trip).</summary>
public sealed record HsdsServiceExtension(
    IReadOnlyList<string> AreaCodes, bool Accepting, string? NotAcceptingReason, DateTime? NotAcceptingUntil, string? CapacityNote,
    DateTime? LastReviewedAt, string? LastReviewedBy);

public sealed record HsdsService(
    string Id, string OrganizationId, string Name, string? Description, string Status,
    int? MinimumAge, int? MaximumAge, string? EligibilityDescription, string? ApplicationProcess, string? Alert,
    string? AssuredDate, DateTime? LastModified,
    IReadOnlyList<HsdsAttribute>? Attributes,
    IReadOnlyList<HsdsLanguage>? Languages,
    IReadOnlyList<HsdsContact>? Contacts,
    IReadOnlyList<HsdsSchedule>? Schedules,
    IReadOnlyList<HsdsServiceArea>? ServiceAreas,
    HsdsOrganization? Organization = null,
    [property: JsonPropertyName("x_referralhub")] HsdsServiceExtension? Extension = null);

public static class HsdsIds
{
    /// <summary>Stable ids for rows HSDS needs but the directory does not store (phones, languages, service areas...).</summary>
    public static string For(params string[] parts) => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(string.Join('|', parts)))).ToString();

    /// <summary>The hub's namespace for name-based (RFC 9562 version 5) ids of its taxonomies and terms.</summary>
    private static readonly byte[] Namespace = Guid.Parse("6f1d4c1e-2b53-4d5a-9a1c-3c7e5b0d8a42").ToByteArray(bigEndian: true);

    /// <summary>A name-based UUID (version 5, SHA-1): the same name gives the same id on every hub, so term ids never change.</summary>
    public static string NameBased(string name)
    {
        var hash = SHA1.HashData([.. Namespace, .. Encoding.UTF8.GetBytes(name)]);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }
}

public static class HsdsTaxonomies
{
    public const string ServiceTypes = "referralhub-service-types";
    public const string ProtectionConcerns = "referralhub-protection-concerns";
    public const string Sexes = "referralhub-sexes";
    public const string OrganisationKinds = "referralhub-organisation-kinds";
    public const string UriPrefix = "urn:referralhub:taxonomy:";

    public static string TaxonomyId(string taxonomy) => HsdsIds.NameBased($"taxonomy:{taxonomy}");

    public static string TermId(string taxonomy, string code) => HsdsIds.NameBased($"taxonomy-term:{taxonomy}:{code}");

    /// <summary>Before ids were UUIDs a term was named <c>&lt;taxonomy&gt;:&lt;code&gt;</c>; filters and import still accept it.</summary>
    public static string LegacyTermId(string taxonomy, string code) => $"{taxonomy}:{code}";
}
