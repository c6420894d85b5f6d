namespace ReferralHub.Directory.Model;

/// <summary>Field limits, shared by the database model and input validation (so a valid request always fits).</summary>
public static class Limits
{
    public const int Code = 64;
    public const int Name = 200;
    public const int Text = 1000;
    public const int Description = 4000;
    public const int ListItems = 100;
}

/// <summary>Every editable entry: a version the client must echo back (optimistic concurrency) and who changed it last.</summary>
public abstract class VersionedEntity
{
    public long Version { get; set; }

    public bool Retired { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string UpdatedBy { get; set; } = "";

    /// <summary>Last "confirmed reviewed" (or creation): entries older than Directory:StaleAfterDays are stale.</summary>
    public DateTime? LastReviewedAt { get; set; }

    public string? LastReviewedBy { get; set; }
}

/// <summary>A staff contact published in the mapping (not a child's personal data).</summary>
public sealed class FocalPoint
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string? Role { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }
}

/// <summary>A place in the hierarchy (country → district → camp → block), identified by a stable code.</summary>
public sealed class Area : VersionedEntity
{
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public string Level { get; set; } = "";

    public string? ParentCode { get; set; }

    /// <summary>The area's child protection focal points, who maintain its pathways and receive escalations.</summary>
    public List<FocalPoint> FocalPoints { get; set; } = [];
}

public sealed class Organisation : VersionedEntity
{
    public Guid Id { get; set; }

    /// <summary>The agency code in tokens and consent scopes (e.g. <c>agency-b</c>).</summary>
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Acronym { get; set; }

    /// <summary>One of <see cref="OrganisationKinds.All"/>.</summary>
    public string Kind { get; set; } = "";

    public string? Description { get; set; }

    public string? Website { get; set; }

    public List<FocalPoint> FocalPoints { get; set; } = [];
}

public static class OrganisationKinds
{
    public static readonly IReadOnlyList<string> All = ["un", "ingo", "nngo", "government", "cbo"];
}

public static class Sexes
{
    public static readonly IReadOnlyList<string> All = ["female", "male", "other"];
}

public sealed class DirectoryService : VersionedEntity
{
    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public string ServiceType { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Areas where it is delivered; a service delivered in an area covers every area below it.</summary>
    public List<string> AreaCodes { get; set; } = [];

    public int? MinAge { get; set; }

    public int? MaxAge { get; set; }

    /// <summary>Empty = every sex.</summary>
    public List<string> Sexes { get; set; } = [];

    /// <summary>Empty = every protection concern.</summary>
    public List<string> ProtectionConcerns { get; set; } = [];

    /// <summary>Empty = language not recorded (no filter applies).</summary>
    public List<string> Languages { get; set; } = [];

    public string? Hours { get; set; }

    public string? HowToRefer { get; set; }

    public bool Accepting { get; set; } = true;

    public string? NotAcceptingReason { get; set; }

    /// <summary>When not accepting: the date it accepts again (after it, the service counts as accepting).</summary>
    public DateTime? NotAcceptingUntil { get; set; }

    public string? CapacityNote { get; set; }

    public List<FocalPoint> FocalPoints { get; set; } = [];
}

/// <summary>For an area and a service type, the ordered services a referral should go to (first choice, then alternates).</summary>
public sealed class Pathway : VersionedEntity
{
    public Guid Id { get; set; }

    public string AreaCode { get; set; } = "";

    public string ServiceType { get; set; } = "";

    public List<Guid> ServiceIds { get; set; } = [];

    public bool ReofferToNext { get; set; }
}

/// <summary>One attributed, versioned change: who, when, what changed, and the entry as it was after the change.</summary>
public sealed class HistoryEntry
{
    public long Id { get; set; }

    public string EntityKind { get; set; } = "";

    public string EntityId { get; set; } = "";

    public long Version { get; set; }

    public string Action { get; set; } = "";

    public DateTime At { get; set; }

    public string By { get; set; } = "";

    public string? ByAgency { get; set; }

    /// <summary>JSON array of changed field names.</summary>
    public string Changes { get; set; } = "[]";

    /// <summary>JSON of the entry after the change.</summary>
    public string Snapshot { get; set; } = "{}";
}
