namespace ReferralHub.Directory.Model;

/// <summary>Protection concerns a service may be limited to (eligibility). Stable codes; new ones are added, never renamed.</summary>
public static class ProtectionConcerns
{
    public static readonly IReadOnlyList<string> All =
    [
        "physical-abuse", "sexual-violence", "emotional-abuse", "neglect", "child-labour", "child-marriage",
        "unaccompanied-separated", "armed-forces-association", "psychological-distress", "trafficking",
        "detention", "disability", "other",
    ];
}
