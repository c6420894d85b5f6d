using System.Text.Json;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Protection;

namespace ReferralHub.Referrals.Release;

/// <summary>
/// Need-to-know profiles (seed 004: "only the information relevant to that service … and no other information related
/// to the child's history or case"): per service type, the referral items a provider receives after it accepts.
/// Loaded from the reviewable, versioned file need-to-know-profiles.json embedded in this assembly.
/// </summary>
public sealed class NeedToKnowProfiles
{
    private readonly Dictionary<string, HashSet<string>> _profiles;
    private readonly HashSet<string> _default;

    public NeedToKnowProfiles(string json)
    {
        var file = JsonSerializer.Deserialize<ProfileFile>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("need-to-know-profiles.json is empty");
        Version = file.Version;
        _default = Checked("default", file.Default);
        _profiles = file.Profiles.ToDictionary(p => p.Key, p => Checked(p.Key, p.Value), StringComparer.Ordinal);
        foreach (var type in _profiles.Keys)
            if (!ServiceTypes.IsServiceType(type)) throw new InvalidOperationException($"need-to-know profile for unknown service type '{type}'");
    }

    public string Version { get; }

    public static NeedToKnowProfiles Load()
    {
        using var stream = typeof(NeedToKnowProfiles).Assembly.GetManifestResourceStream("ReferralHub.Referrals.Release.need-to-know-profiles.json")
            ?? throw new InvalidOperationException("need-to-know-profiles.json is not embedded");
        using var reader = new StreamReader(stream);
        return new NeedToKnowProfiles(reader.ReadToEnd());
    }

    public IReadOnlySet<string> ItemsFor(string serviceType) => _profiles.TryGetValue(serviceType, out var items) ? items : _default;

    /// <summary>What is released: the service type's profile minus what the consent withholds from this recipient.</summary>
    public IReadOnlySet<string> Releasable(string serviceType, IEnumerable<string> withheld) =>
        ReleaseRule.Releasable(ItemsFor(serviceType), withheld);

    private static HashSet<string> Checked(string name, IEnumerable<string> items)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!ReferralItems.IsKnown(item)) throw new InvalidOperationException($"need-to-know profile '{name}' names unknown item '{item}'");
            set.Add(item);
        }
        return set;
    }

    private sealed record ProfileFile(string Version, List<string> Default, Dictionary<string, List<string>> Profiles);
}
