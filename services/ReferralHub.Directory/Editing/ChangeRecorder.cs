using System.Security.Claims;
using System.Text.Json;
using ReferralHub.Contracts.Directory;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;

namespace ReferralHub.Directory.Editing;

/// <summary>Who made a change (the token's subject and agency), for the attributed history.</summary>
public sealed record Actor(string Id, string? Agency)
{
    public static Actor From(ClaimsPrincipal user) => new(user.ClientOrUserId() ?? "unknown", user.Agency());

    public static readonly Actor System = new("system", null);
}

/// <summary>
/// Writes one history row and exactly one snapshot event per edit, in the caller's SaveChanges (the outbox), so the
/// history, the event and the state change commit together.
/// </summary>
public static class ChangeRecorder
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string Created = "created";
    public const string Updated = "updated";
    public const string Retired = "retired";
    public const string Reviewed = "reviewed";
    public const string Imported = "imported";

    public static void Area(DirectoryDbContext db, Area area, IReadOnlyList<string> ancestors, string action, IEnumerable<string> changed, Actor actor, DateTime now)
    {
        var snapshot = area.ToSnapshot(ancestors);
        History(db, "area", area.Code, area.Version, action, changed, snapshot, actor, now);
        db.PublishViaOutbox(new AreaChanged(snapshot), $"area:{area.Code}");
    }

    public static void Organisation(DirectoryDbContext db, Organisation organisation, string action, IEnumerable<string> changed, Actor actor, DateTime now)
    {
        var snapshot = organisation.ToSnapshot();
        History(db, "organisation", organisation.Id.ToString(), organisation.Version, action, changed, snapshot, actor, now);
        db.PublishViaOutbox(new OrganisationChanged(snapshot), $"organisation:{organisation.Id}");
    }

    public static void Service(DirectoryDbContext db, DirectoryService service, Organisation organisation, string action, IEnumerable<string> changed,
        Actor actor, DateTime now, TimeSpan staleAfter, bool acceptingChanged = false)
    {
        var snapshot = service.ToSnapshot(organisation, now, staleAfter);
        History(db, "service", service.Id.ToString(), service.Version, action, changed, snapshot, actor, now);
        var aggregate = $"service:{service.Id}";
        if (service.Retired) db.PublishViaOutbox(new ServiceRetired(snapshot), aggregate);
        else db.PublishViaOutbox(new ServiceChanged(snapshot), aggregate);
        // The contract's extra signal for routing (same aggregate, so it follows the snapshot in order).
        if (acceptingChanged && !service.Retired)
            db.PublishViaOutbox(new ServiceAcceptingChanged(service.Id, service.AcceptingSnapshot(), service.Version), aggregate);
    }

    public static void Pathway(DirectoryDbContext db, Pathway pathway, string action, IEnumerable<string> changed, Actor actor, DateTime now)
    {
        var snapshot = pathway.ToSnapshot();
        History(db, "pathway", pathway.Id.ToString(), pathway.Version, action, changed, snapshot, actor, now);
        db.PublishViaOutbox(new PathwayChanged(snapshot), $"pathway:{pathway.Id}");
    }

    private static void History(DirectoryDbContext db, string kind, string id, long version, string action, IEnumerable<string> changed, object snapshot, Actor actor, DateTime now) =>
        db.History.Add(new HistoryEntry
        {
            EntityKind = kind,
            EntityId = id,
            Version = version,
            Action = action,
            At = now,
            By = actor.Id,
            ByAgency = actor.Agency,
            Changes = JsonSerializer.Serialize(changed.Distinct().Order(StringComparer.Ordinal).ToArray(), Json),
            Snapshot = JsonSerializer.Serialize(snapshot, snapshot.GetType(), Json),
        });

    /// <summary>Stamps a new version and attribution on an entry about to be saved.</summary>
    public static void Stamp(VersionedEntity entry, Actor actor, DateTime now)
    {
        entry.Version++;
        entry.UpdatedAt = now;
        entry.UpdatedBy = actor.Id;
    }
}
