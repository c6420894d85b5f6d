using ReferralHub.Contracts.Directory;

namespace ReferralHub.Directory.Model;

/// <summary>Entity → contract snapshot (events, the ResolvePathway responder, the HTTP API).</summary>
public static class SnapshotMapping
{
    public static bool IsStale(this VersionedEntity entry, DateTime now, TimeSpan staleAfter) =>
        entry.LastReviewedAt is not { } reviewed || now - reviewed > staleAfter;

    /// <summary>Accepting now: the flag, or a "not accepting until" date that has passed.</summary>
    public static bool AcceptingAt(this DirectoryService service, DateTime now) =>
        service.Accepting || (service.NotAcceptingUntil is { } until && now >= until);

    public static FocalPointSnapshot ToSnapshot(this FocalPoint f) => new(f.Id, f.Name, f.Role, f.Phone, f.Email);

    public static IReadOnlyList<FocalPointSnapshot> ToSnapshots(this IEnumerable<FocalPoint> focalPoints) => [.. focalPoints.Select(ToSnapshot)];

    public static AreaSnapshot ToSnapshot(this Area area, IReadOnlyList<string> ancestorCodes) =>
        new(area.Code, area.Name, area.Level, area.ParentCode, ancestorCodes, area.FocalPoints.ToSnapshots(), area.Retired, area.Version);

    public static OrganisationSnapshot ToSnapshot(this Organisation o) =>
        new(o.Id, o.Code, o.Name, o.Acronym, o.Kind, o.FocalPoints.ToSnapshots(), o.Retired, o.Version);

    public static AcceptingSnapshot AcceptingSnapshot(this DirectoryService s) => new(s.Accepting, s.NotAcceptingReason, s.NotAcceptingUntil);

    public static ServiceSnapshot ToSnapshot(this DirectoryService s, Organisation organisation, DateTime now, TimeSpan staleAfter) =>
        new(s.Id, s.OrganisationId, organisation.Code, s.ServiceType, s.Name, [.. s.AreaCodes],
            new EligibilitySnapshot(s.MinAge, s.MaxAge, [.. s.Sexes], [.. s.ProtectionConcerns]),
            [.. s.Languages], s.AcceptingSnapshot(), s.FocalPoints.ToSnapshots(), s.LastReviewedAt,
            s.IsStale(now, staleAfter), s.Retired || organisation.Retired, s.Version);

    public static PathwaySnapshot ToSnapshot(this Pathway p) =>
        new(p.Id, p.AreaCode, p.ServiceType, [.. p.ServiceIds], p.ReofferToNext, p.Retired, p.Version);
}
