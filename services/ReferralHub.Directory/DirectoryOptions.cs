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

    public TimeSpan StaleAfter => TimeSpan.FromDays(StaleAfterDays);
}
