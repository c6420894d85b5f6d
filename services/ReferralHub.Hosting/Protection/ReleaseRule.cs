namespace ReferralHub.Hosting.Protection;

/// <summary>
/// The one rule every release gate applies (the referral service's <c>ReleaseGate</c>, the transfer service's
/// <c>PackageGate</c>), so "item × party × moment → readable" is written once (docs/data-protection.md, "The release
/// gate"). A recipient reads an item of a case only when a release gave it to that recipient — the purpose's
/// need-to-know profile minus what the consent withholds from it, fixed in the release record — and the consent that
/// release ran under has not been withdrawn since. Who the recipient is and which release is in force are the gates'
/// questions; this is the item question.
/// </summary>
public static class ReleaseRule
{
    /// <summary>What a release gives a recipient: the items the purpose needs (the profile) minus the items withheld.</summary>
    public static IReadOnlySet<string> Releasable(IEnumerable<string> profile, IEnumerable<string> withheld)
    {
        var items = new HashSet<string>(profile, StringComparer.Ordinal);
        items.ExceptWith(withheld);
        return items;
    }

    /// <summary>
    /// The items a recipient may read now from a release: what it recorded as released, never an item it recorded as
    /// withheld (a release written before an item existed cannot have released it), nothing once consent was withdrawn.
    /// </summary>
    public static IReadOnlySet<string> Readable(IEnumerable<string> released, IEnumerable<string> withheld, bool consentWithdrawn)
    {
        if (consentWithdrawn) return new HashSet<string>(StringComparer.Ordinal);
        return Releasable(released, withheld);
    }
}
