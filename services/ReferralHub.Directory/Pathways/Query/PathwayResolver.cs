using ReferralHub.Directory.Model;

namespace ReferralHub.Directory.Pathways.Query;

/// <summary>The question a pathway answers: for this area and this need (and this child), which services, in order.</summary>
public sealed record PathwayQuery(string AreaCode, string ServiceType, int? Age = null, string? Sex = null, string? Language = null, string? ProtectionConcern = null);

public sealed record RankedService(DirectoryService Service, Organisation Organisation, string DeliveredIn, string? PathwayArea, bool Stale);

public sealed record ExcludedService(DirectoryService Service, Organisation Organisation, IReadOnlyList<string> Reasons);

public sealed record PathwayResolution(
    bool AreaKnown,
    IReadOnlyList<RankedService> Services,
    IReadOnlyList<ExcludedService> Excluded,
    bool ReofferToNext,
    /// <summary>The nearest area (itself or an ancestor) that has a pathway for the service type; null when none.</summary>
    string? PathwayArea,
    /// <summary>The nearest area up the tree that has child protection focal points.</summary>
    Area? FocalPointArea);

/// <summary>
/// The pathway rules (docs/directory.md, "Pathway query"):
/// 1. Candidates: live services of the type delivered in the area or any of its ancestors (a service delivered in a
///    district covers its camps and blocks). A service delivered only in a child area does not cover its parent.
/// 2. Order: walk the area and its ancestors nearest first; each area's pathway for the type appends its listed
///    candidates not already placed; then the remaining candidates, nearest delivery area first, then by name.
/// 3. Filters: not accepting now, outside the age range, sex, language or protection concern not served. Stale
///    entries stay in and are marked. Excluded candidates keep their reasons (explain=true).
/// </summary>
public static class PathwayResolver
{
    public const string NotAccepting = "not-accepting";
    public const string Age = "age";
    public const string Sex = "sex";
    public const string Language = "language";
    public const string ProtectionConcern = "protection-concern";
    public const string OrganisationRetired = "organisation-retired";

    public static PathwayResolution Resolve(DirectoryView view, PathwayQuery query, DateTime now, TimeSpan staleAfter)
    {
        var chain = view.Chain(query.AreaCode);
        if (chain.Count == 0 || chain[0].Retired) return new PathwayResolution(false, [], [], false, null, null);

        // Candidates with the nearest area (index in the chain) they are delivered in.
        var candidates = new Dictionary<Guid, (DirectoryService Service, int Depth)>();
        for (var depth = 0; depth < chain.Count; depth++)
        {
            if (!view.ServicesByTypeAndArea.TryGetValue((query.ServiceType, chain[depth].Code), out var delivered)) continue;
            foreach (var service in delivered) candidates.TryAdd(service.Id, (service, depth));
        }

        var ordered = new List<(DirectoryService Service, int Depth, string? PathwayArea)>(candidates.Count);
        var placed = new HashSet<Guid>();
        Pathway? nearestPathway = null;
        foreach (var area in chain)
        {
            if (!view.Pathways.TryGetValue((area.Code, query.ServiceType), out var pathway)) continue;
            nearestPathway ??= pathway;
            foreach (var id in pathway.ServiceIds)
                if (candidates.TryGetValue(id, out var c) && placed.Add(id)) ordered.Add((c.Service, c.Depth, area.Code));
        }

        foreach (var c in candidates.Values.OrderBy(c => c.Depth).ThenBy(c => c.Service.Name, StringComparer.Ordinal).ThenBy(c => c.Service.Id))
            if (placed.Add(c.Service.Id)) ordered.Add((c.Service, c.Depth, null));

        var services = new List<RankedService>();
        var excluded = new List<ExcludedService>();
        foreach (var (service, depth, pathwayArea) in ordered)
        {
            if (!view.Organisations.TryGetValue(service.OrganisationId, out var organisation)) continue;
            var reasons = Reasons(service, organisation, query, now);
            if (reasons.Count == 0) services.Add(new RankedService(service, organisation, chain[depth].Code, pathwayArea, service.IsStale(now, staleAfter)));
            else excluded.Add(new ExcludedService(service, organisation, reasons));
        }

        return new PathwayResolution(true, services, excluded, nearestPathway?.ReofferToNext ?? false, nearestPathway?.AreaCode,
            chain.FirstOrDefault(a => a.FocalPoints.Count > 0));
    }

    private static List<string> Reasons(DirectoryService service, Organisation organisation, PathwayQuery query, DateTime now)
    {
        var reasons = new List<string>();
        if (organisation.Retired) reasons.Add(OrganisationRetired);
        if (!service.AcceptingAt(now)) reasons.Add(NotAccepting);
        if (query.Age is { } age && ((service.MinAge is { } min && age < min) || (service.MaxAge is { } max && age > max))) reasons.Add(Age);
        if (query.Sex is { } sex && service.Sexes.Count > 0 && !service.Sexes.Contains(sex, StringComparer.OrdinalIgnoreCase)) reasons.Add(Sex);
        if (query.Language is { } language && service.Languages.Count > 0 && !service.Languages.Contains(language, StringComparer.OrdinalIgnoreCase)) reasons.Add(Language);
        if (query.ProtectionConcern is { } concern && service.ProtectionConcerns.Count > 0
            && !service.ProtectionConcerns.Contains(concern, StringComparer.OrdinalIgnoreCase)) reasons.Add(ProtectionConcern);
        return reasons;
    }
}
