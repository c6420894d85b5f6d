namespace ReferralHub.Contracts.Directory;

/// <summary>
/// Request (answered by the directory with <see cref="PathwayResolved"/>): the same question as
/// <c>GET /api/v1/pathways</c> — for this area and service type (and optionally the child's age, sex, language and
/// protection concern), which accepting, eligible services in pathway order, inherited from parent areas.
/// When <paramref name="ServiceId"/> is given the answer holds that one service (if it exists and is not retired),
/// whatever its accepting status, so a referral addressed to a named service can be checked and offered.
/// </summary>
public sealed record ResolvePathway(
    string? AreaCode,
    string? ServiceType,
    int? Age = null,
    string? Sex = null,
    string? Language = null,
    string? ProtectionConcern = null,
    Guid? ServiceId = null);

public sealed record PathwayResolved(
    bool AreaKnown,
    IReadOnlyList<ServiceSnapshot> Services,
    bool ReofferToNext,
    /// <summary>The child protection focal points of the area (nearest area up the tree that has some).</summary>
    IReadOnlyList<FocalPointSnapshot> ChildProtectionFocalPoints,
    /// <summary>The area and its ancestors, nearest first (empty when unknown), so a caller can tell whose area it is in.</summary>
    IReadOnlyList<string>? AreaChain = null);
