namespace ReferralHub.Contracts.Consent;

/// <summary>
/// Event: a supervisor authorised one release of a case without consent (seed grounds only, checked by the consent
/// registry). <paramref name="ReleaseReference"/> names it: <c>referral:{id}</c> or <c>transfer:{id}</c>. The service
/// that owns that referral or transfer resumes it if it was stopped for want of consent; the consent check it then
/// makes is permitted by the override (and uses it up). Carries no justification (free text stays in the registry).
/// Superseded by <see cref="SupervisorOverrideRecorded"/>: it carried the override's ground (e.g. sexual violence) on the
/// bus and in outbox rows next to the case code. No longer published; kept so the type's meaning never changes.
/// </summary>
[Obsolete("Carries the override ground on the bus; publish and consume SupervisorOverrideRecorded.")]
public sealed record SupervisorOverrideAuthorised(
    Guid OverrideId,
    string AgencyCode,
    string CaseCode,
    string ReleaseReference,
    string Ground,
    DateTime AuthorisedAt)
{
    /// <summary>The id of a <c>{kind}:{id}</c> release reference, when it is of that kind.</summary>
    public Guid? ReferenceId(string kind) =>
        ReleaseReference.StartsWith(kind + ":", StringComparison.Ordinal) && Guid.TryParse(ReleaseReference.AsSpan(kind.Length + 1), out var id) ? id : null;
}

/// <summary>
/// Event: a supervisor authorised one release of a case without consent (seed grounds only, checked by the consent
/// registry). <paramref name="ReleaseReference"/> names it: <c>referral:{id}</c> or <c>transfer:{id}</c>. The service
/// that owns that referral or transfer resumes it if it was stopped for want of consent; the consent check it then
/// makes is permitted by the override (and uses it up). Ids and codes only: neither the ground (it says what happened
/// to the child) nor the justification travel on the bus or sit in outbox rows — whoever needs them reads the override
/// by <paramref name="OverrideId"/> from the registry (<c>GET /api/v1/consents/{caseCode}/overrides</c>, owning agency only).
/// </summary>
public sealed record SupervisorOverrideRecorded(
    Guid OverrideId,
    string AgencyCode,
    string CaseCode,
    string ReleaseReference,
    DateTime AuthorisedAt)
{
    /// <summary>The id of a <c>{kind}:{id}</c> release reference, when it is of that kind.</summary>
    public Guid? ReferenceId(string kind) =>
        ReleaseReference.StartsWith(kind + ":", StringComparison.Ordinal) && Guid.TryParse(ReleaseReference.AsSpan(kind.Length + 1), out var id) ? id : null;
}
