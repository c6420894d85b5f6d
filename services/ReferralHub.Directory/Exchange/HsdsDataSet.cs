using System.Text.Json.Serialization;
using ReferralHub.Directory.Hsds;

namespace ReferralHub.Directory.Exchange;

/// <summary>
/// A whole mapping as one HSDS 3.0 JSON document: HSDS organizations, fully nested services and taxonomy terms, plus
/// the two things HSDS has no table for (the area hierarchy and the pathways) under x_referralhub_* keys.
/// Only live entries; no edit metadata (versions, modified times), so export → import → export is identical.
/// </summary>
public sealed record HsdsDataSet(
    string HsdsVersion,
    string TaxonomyVersion,
    IReadOnlyList<HsdsOrganization> Organizations,
    IReadOnlyList<HsdsService> Services,
    IReadOnlyList<HsdsTaxonomyTerm> TaxonomyTerms,
    [property: JsonPropertyName("x_referralhub_areas")] IReadOnlyList<AreaRecord> Areas,
    [property: JsonPropertyName("x_referralhub_pathways")] IReadOnlyList<PathwayRecord> Pathways);

public sealed record AreaRecord(string Code, string Name, string Level, string? ParentCode, IReadOnlyList<HsdsContact> Contacts, DateTime? LastReviewedAt);

public sealed record PathwayRecord(string Id, string AreaCode, string ServiceType, IReadOnlyList<string> ServiceIds, bool ReofferToNext, DateTime? LastReviewedAt);

public sealed record ImportResult(int Created, int Updated, int Retired, int Unchanged);
