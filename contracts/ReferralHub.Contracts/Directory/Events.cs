namespace ReferralHub.Contracts.Directory;

// One event per directory change, published through the outbox with the full snapshot and its version.
// Replayed = true when sent by "replay all" (a new consumer rebuilding its copy), not by an edit.
// Consumers keep the highest Version they have seen per id and ignore older ones.

public sealed record AreaChanged(AreaSnapshot Area, bool Replayed = false);

public sealed record OrganisationChanged(OrganisationSnapshot Organisation, bool Replayed = false);

public sealed record ServiceChanged(ServiceSnapshot Service, bool Replayed = false);

public sealed record ServiceRetired(ServiceSnapshot Service, bool Replayed = false);

/// <summary>Also published (after <see cref="ServiceChanged"/>) when only the accepting status changed.</summary>
public sealed record ServiceAcceptingChanged(Guid ServiceId, AcceptingSnapshot Accepting, long Version);

public sealed record PathwayChanged(PathwaySnapshot Pathway, bool Replayed = false);
