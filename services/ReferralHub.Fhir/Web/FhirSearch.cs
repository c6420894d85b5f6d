using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace ReferralHub.Fhir.Web;

/// <summary>
/// The search rules every FHIR search of the facade shares (docs/fhir.md): <c>_count</c> (capped, with next/previous
/// links), <c>_count=0</c> and <c>_summary=count</c> (the total only), <c>_total</c>, and parameters the search does not
/// support: reported in an OperationOutcome entry (search mode "outcome"), or refused with 400 under
/// <c>Prefer: handling=strict</c>. FHIR R4 3.1.1.5, 3.1.1.4.
/// </summary>
internal sealed class FhirSearch
{
    /// <summary>Result parameters every search takes. <c>_offset</c> is the hub's own page position (in next links).</summary>
    private static readonly string[] Common = ["_count", "_summary", "_total", "_format", "_pretty", "_offset"];

    public int Count { get; private init; }

    public bool CountOnly { get; private init; }

    public int Offset { get; private init; }

    public IReadOnlyList<string> Ignored { get; private init; } = [];

    public static FhirSearch Parse(HttpRequest http, int defaultCount, int maxCount, params string[] supported)
    {
        var query = http.Query;
        // A modifier (name:exact) counts as a parameter of its own: not supported unless listed.
        var ignored = query.Keys.Where(k => !Common.Contains(k) && !supported.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var summary = query["_summary"].FirstOrDefault();
        if (summary is not null && summary != "count") ignored.Add($"_summary={summary}");
        if (query["_total"].FirstOrDefault() is { } total && total is not ("none" or "estimate" or "accurate"))
            throw FhirException.Invalid("_total", "none, estimate or accurate.");
        if (ignored.Count > 0 && Strict(http))
            throw FhirException.Of(400, OperationOutcome.IssueType.NotSupported,
                $"Not supported by this search: {string.Join(", ", ignored)} (Prefer: handling=strict). Supported: {string.Join(", ", supported.Concat(Common.SkipLast(1)))}.",
                [.. ignored]);

        var count = defaultCount;
        if (query["_count"].FirstOrDefault() is { } c)
        {
            if (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count))
                throw FhirException.Invalid("_count", "A whole number of entries per page (0 for the total only).");
            count = Math.Min(count, maxCount); // FHIR: the server may return fewer than asked; the next link carries the rest
        }
        var offset = 0;
        if (query["_offset"].FirstOrDefault() is { } o && (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset)))
            throw FhirException.Invalid("_offset", "A whole number (from a next link).");
        return new FhirSearch { Count = count, CountOnly = count == 0 || summary == "count", Offset = offset, Ignored = ignored };
    }

    private static bool Strict(HttpRequest http) =>
        http.Headers["Prefer"].SelectMany(v => (v ?? "").Split(',', ';')).Any(p => p.Trim().Equals("handling=strict", StringComparison.OrdinalIgnoreCase));

    /// <summary>One page of <paramref name="all"/> as a searchset, with total, links and the ignored-parameters outcome.</summary>
    public Bundle Page(HttpRequest http, string type, IReadOnlyList<Resource> all)
    {
        var bundle = Empty(http, type, all.Count);
        if (!CountOnly)
        {
            var baseUrl = FhirModule.BaseUrl(http);
            foreach (var resource in all.Skip(Offset).Take(Count))
                bundle.Entry.Add(new Bundle.EntryComponent
                {
                    FullUrl = $"{baseUrl}/{type}/{resource.Id}",
                    Resource = resource,
                    Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
                });
            if (Offset + Count < all.Count) bundle.Link.Add(Link(http, type, "next", Offset + Count));
            if (Offset > 0) bundle.Link.Add(Link(http, type, "previous", Math.Max(0, Offset - Count)));
        }
        AddOutcome(bundle);
        return bundle;
    }

    /// <summary>An empty searchset with the total and self link (the caller adds entries and next link).</summary>
    public Bundle Empty(HttpRequest http, string type, int? total)
    {
        var bundle = new Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Searchset, Total = total };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = $"{FhirModule.BaseUrl(http)}/{type}{http.QueryString}" });
        return bundle;
    }

    public void AddOutcome(Bundle bundle)
    {
        if (Ignored.Count == 0) return;
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = Outcomes.Single(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.NotSupported,
                $"Ignored, not supported by this search: {string.Join(", ", Ignored)}. Send Prefer: handling=strict to have such a search refused.", [.. Ignored]),
            Search = new Bundle.SearchComponent { Mode = Hl7.Fhir.Model.Bundle.SearchEntryMode.Outcome },
        });
    }

    private static Bundle.LinkComponent Link(HttpRequest http, string type, string relation, int offset)
    {
        var parameters = http.Query.Where(q => q.Key != "_offset")
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"_offset={offset}");
        return new Bundle.LinkComponent { Relation = relation, Url = $"{FhirModule.BaseUrl(http)}/{type}?{string.Join('&', parameters)}" };
    }
}

/// <summary>
/// A date search value as the range its precision covers (FHIR R4 3.1.1.4.2): <c>2026-11-30</c> is the whole day,
/// <c>2026-11</c> the month, <c>2026-11-30T10:15</c> the minute. Prefixes compare that range with the resource's instant.
/// A value without a time zone is read as UTC.
/// </summary>
internal sealed partial record DateParam(string Prefix, DateTimeOffset Start, DateTimeOffset End)
{
    [GeneratedRegex(@"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<mi>\d{2})(:(?<s>\d{2})(\.(?<f>\d{1,9}))?)?(?<z>Z|[+-]\d{2}:\d{2})?)?)?)?$")]
    private static partial Regex Shape();

    private static readonly string[] Prefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"];

    public static DateParam Parse(string name, string? raw)
    {
        raw ??= "";
        var prefix = raw.Length > 2 && char.IsLetter(raw[0]) && char.IsLetter(raw[1]) ? raw[..2] : null;
        if (prefix is not null && !Prefixes.Contains(prefix))
            throw FhirException.Invalid(name, $"Prefix '{prefix}' is not supported: {string.Join(", ", Prefixes)}.");
        var text = prefix is null ? raw : raw[2..];
        var m = Shape().Match(text);
        if (!m.Success) throw FhirException.Invalid(name, $"'{text}' is not a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]).");
        int Part(string group, int fallback) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : fallback;
        try
        {
            var zone = m.Groups["z"].Success && m.Groups["z"].Value != "Z" ? TimeSpan.ParseExact(m.Groups["z"].Value[1..], @"hh\:mm", CultureInfo.InvariantCulture) * (m.Groups["z"].Value[0] == '-' ? -1 : 1) : TimeSpan.Zero;
            var fraction = m.Groups["f"].Success ? m.Groups["f"].Value : "";
            var start = new DateTimeOffset(Part("y", 1), Part("m", 1), Part("d", 1), Part("h", 0), Part("mi", 0), Part("s", 0), zone)
                .AddTicks(fraction.Length == 0 ? 0 : (long)(decimal.Parse("0." + fraction, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
            var end = fraction.Length > 0 ? start.AddTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / Math.Pow(10, fraction.Length))))
                : m.Groups["s"].Success ? start.AddSeconds(1)
                : m.Groups["mi"].Success ? start.AddMinutes(1)
                : m.Groups["d"].Success ? start.AddDays(1)
                : m.Groups["m"].Success ? start.AddMonths(1)
                : start.AddYears(1);
            return new DateParam(prefix ?? "eq", start.ToUniversalTime(), end.ToUniversalTime());
        }
        catch (ArgumentOutOfRangeException)
        {
            throw FhirException.Invalid(name, $"'{text}' is not a real date or time.");
        }
    }

    /// <summary>Whether an instant (a resource's meta.lastUpdated) matches: the range is [Start, End).</summary>
    public bool Matches(DateTimeOffset instant) => Prefix switch
    {
        "gt" or "sa" => instant >= End,
        "ge" => instant >= Start,
        "lt" or "eb" => instant < Start,
        "le" => instant < End,
        "ne" => instant < Start || instant >= End,
        _ => instant >= Start && instant < End,
    };

    /// <summary>The earliest instant that can match, when there is one (used to narrow a query before filtering exactly).</summary>
    public DateTimeOffset? LowerBound => Prefix switch
    {
        "gt" or "sa" => End,
        "ge" or "eq" => Start,
        _ => null,
    };
}
