namespace ReferralHub.Directory;

/// <summary>Configuration section <c>Directory</c>.</summary>
public sealed class DirectoryOptions
{
    /// <summary>Entries not reviewed for this many days are stale (seeds 002/004: "updated at least every six months").</summary>
    public int StaleAfterDays { get; set; } = 182;

    /// <summary>Seed the fictional demo mapping when the directory is empty (on by default in Development).</summary>
    public bool? SeedDemoData { get; set; }

    /// <summary>The in-memory snapshot is rebuilt after every local edit, and at least this often (other instances' edits).</summary>
    public int SnapshotMaxAgeSeconds { get; set; } = 30;

    /// <summary>
    /// Publish the HSDS API (<c>/hsds/...</c>) read-only without a token. Off by default: the mapping lists where
    /// safe shelters and GBV services work and who staffs them, and the cluster decides to publish it, not the software.
    /// When on, anonymous readers get every record except contacts (focal points' names, e-mails, phones); callers with a token still get them.
    /// </summary>
    public bool HsdsPublic { get; set; }

    /// <summary>The hub's public address (e.g. https://hub.example.org) for absolute links such as HSDS <c>openapi_url</c>; default: the address the caller used.</summary>
    public string? PublicBaseUrl { get; set; }

    public TimeSpan StaleAfter => TimeSpan.FromDays(StaleAfterDays);
}
