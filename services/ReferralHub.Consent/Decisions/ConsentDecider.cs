using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Consents;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Decisions.Check;
using ReferralHub.Contracts.Consent;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Consent.Decisions;

/// <summary>
/// Answers "may this agency release this case to this organisation for this purpose?" and appends the answer to the
/// decision log in the same transaction as any one-off use it makes. See docs/consent.md for the decision table.
/// </summary>
public sealed class ConsentDecider(
    ConsentRegistryDbContext db, GroupCommit<ConsentRegistryDbContext> decisionLog, TimeProvider clock, ILogger<ConsentDecider> logger)
{
    // Compiled once: every pre-check asks it, and EF's per-call work on a LINQ query (parameter extraction, hashing the
    // expression tree for its cache) cost as much as the statement (issue 17's profile).
    private static readonly CompiledQuery<Func<ConsentRegistryDbContext, List<Guid>, IAsyncEnumerable<DecisionRecord>>> LoggedDecisions = new(() => EF.CompileAsyncQuery(
        (ConsentRegistryDbContext db, List<Guid> ids) => db.Decisions.AsNoTracking().Where(d => ids.Contains(d.Id))));

    // Compiled once: a redelivered request's decision, read when its insert finds it logged already.
    private static readonly CompiledQuery<Func<ConsentRegistryDbContext, Guid, CancellationToken, Task<DecisionRecord?>>> LoggedDecision = new(() => EF.CompileAsyncQuery(
        (ConsentRegistryDbContext db, Guid id, CancellationToken _) => db.Decisions.AsNoTracking().FirstOrDefault(d => d.Id == id)));

    public const string ChannelBus = "bus";
    public const string ChannelHttp = "http";

    /// <param name="decisionId">The request's id: a redelivered request is answered with the decision already logged for it.</param>
    /// <remarks>
    /// The logged decision is looked for only when the insert of this one fails: a request is decided and its decision
    /// inserted under its id, and a copy that was logged first (a redelivery, or two copies at once) makes that insert a
    /// duplicate key — the transaction rolls back, one-off use included, and the copy's logged answer is returned. Every
    /// first delivery (all but a few) so costs one statement fewer than looking first (docs/consent.md, "Latency").
    /// </remarks>
    public async Task<ConsentDecision> DecideAsync(CheckConsent request, Guid decisionId, string channel, CancellationToken cancellationToken)
    {
        try
        {
            return await DecideOnceAsync(request, decisionId, channel, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Logged first by another copy of this request: answer with it. Any other failure goes back to the caller
            // (the bus's retry, or the HTTP error handler) as before.
            db.ChangeTracker.Clear();
            var earlier = await LoggedDecision.For(db)(db, decisionId, cancellationToken);
            if (earlier is null) throw;
            return ToDecision(earlier);
        }
    }

    private async Task<ConsentDecision> DecideOnceAsync(CheckConsent request, Guid decisionId, string channel, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            var outcome = await EvaluateAsync(request, now, cancellationToken);
            var record = Record(request, decisionId, channel, outcome, now);
            db.Decisions.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            // Debug: the decision log table is the audit record; a log line per release would only add noise (and cost).
            logger.LogDebug(
                "Consent decision {DecisionId} for agency {Agency} via {Channel}: {Result} {Reason}",
                decisionId, request.AgencyCode, channel, outcome.Permitted ? "permitted" : "denied", outcome.Reason);
            return ToDecision(record);
        });
    }

    /// <summary>
    /// Routing's pre-check of a pathway's candidates (<see cref="CheckConsentForCandidates"/>, Consume = false): each
    /// recipient decided in order exactly as <see cref="DecideAsync"/> would, up to the first decision that is not
    /// "recipient not covered", the i-th keyed by <see cref="CheckConsentForCandidatesResponder.DecisionId"/> (a
    /// redelivered request gets the logged answers). The new decisions are logged through the decision log's group
    /// commit: concurrent pre-checks share one transaction and one sync instead of one each (the profile in
    /// docs/benchmarks.md, session 9: the decision log's COMMIT was 7 % of the busy threads), and this returns only
    /// once that commit is durable — every decision is recorded before its answer is sent. A pre-check uses nothing
    /// up, so its reads need no write transaction of their own: they see committed data, as the release at
    /// acceptance (Consume = true, <see cref="DecideAsync"/>) will again.
    /// </summary>
    public async Task<IReadOnlyList<ConsentDecision>> PreCheckCandidatesAsync(CheckConsentForCandidates request, Guid requestId, string channel, CancellationToken cancellationToken) =>
        (await PreCheckAllAsync([(request, requestId)], channel, cancellationToken))[0];

    /// <summary>
    /// Routing's pre-check for a batch of referrals (<see cref="CheckConsentForReferrals"/>): the i-th item is decided
    /// exactly as a <see cref="CheckConsentForCandidates"/> with the id <see cref="CheckConsentForCandidatesResponder.ItemId"/>
    /// (stable across redeliveries of the batch), and all items' decisions are logged in one commit before the answer.
    /// </summary>
    public Task<IReadOnlyList<IReadOnlyList<ConsentDecision>>> PreCheckReferralsAsync(CheckConsentForReferrals request, Guid requestId, string channel,
        CancellationToken cancellationToken) =>
        PreCheckAllAsync([.. request.Referrals.Select((item, index) => (item, CheckConsentForCandidatesResponder.ItemId(requestId, index)))], channel, cancellationToken);

    private async Task<IReadOnlyList<IReadOnlyList<ConsentDecision>>> PreCheckAllAsync(IReadOnlyList<(CheckConsentForCandidates Request, Guid RequestId)> items,
        string channel, CancellationToken cancellationToken)
    {
        try
        {
            // Decided without looking in the log first, as DecideAsync: every copy of a request logs its first decision
            // under the same id (the request's), so a copy logged before makes this insert a duplicate key.
            return await PreCheckOnceAsync(items, channel, lookInLog: false, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same request, redelivered, logged its decisions first (a unique decision id): answer with those. Any
            // other failure fails again here and goes back to the bus's retry.
            return await PreCheckOnceAsync(items, channel, lookInLog: true, cancellationToken);
        }
    }

    private async Task<IReadOnlyList<IReadOnlyList<ConsentDecision>>> PreCheckOnceAsync(IReadOnlyList<(CheckConsentForCandidates Request, Guid RequestId)> items,
        string channel, bool lookInLog, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var ids = items.Select(item => item.Request.RecipientOrganisations.Select((_, index) => CheckConsentForCandidatesResponder.DecisionId(item.RequestId, index)).ToList()).ToList();
        var logged = new Dictionary<Guid, DecisionRecord>();
        if (lookInLog)
            await foreach (var record in LoggedDecisions.For(db)(db, [.. ids.SelectMany(i => i)]).WithCancellation(cancellationToken)) logged[record.Id] = record;
        var now = clock.GetUtcNow().UtcDateTime;
        var answers = new List<IReadOnlyList<ConsentDecision>>(items.Count);
        foreach (var ((request, _), itemIds) in items.Zip(ids))
        {
            var decisions = new List<ConsentDecision>();
            foreach (var (recipient, index) in request.RecipientOrganisations.Select((r, i) => (r, i)))
            {
                ConsentDecision decision;
                if (logged.TryGetValue(itemIds[index], out var earlier)) decision = ToDecision(earlier);
                else
                {
                    var check = new CheckConsent(request.AgencyCode, request.CaseCode, recipient, request.Purpose, request.ReleaseReference, Consume: false, request.RequestedBy);
                    var record = Record(check, itemIds[index], channel, await EvaluateAsync(check, now, cancellationToken), now);
                    db.Decisions.Add(record);
                    decision = ToDecision(record);
                }
                decisions.Add(decision);
                if (decision.Permitted || decision.Reason != ConsentDenialReasons.RecipientNotCovered) break;
            }
            answers.Add(decisions);
        }

        // Waits for the shared commit (the log is durable when it returns); nothing to log when every answer was logged before.
        await decisionLog.SaveAsync(db, cancellationToken);
        logger.LogDebug("Consent pre-check of {Count} referrals via {Channel}: {Decisions} decisions", items.Count, channel, answers.Sum(a => a.Count));
        return answers;
    }

    private static DecisionRecord Record(CheckConsent request, Guid decisionId, string channel, Outcome outcome, DateTime now) => new()
    {
        Id = decisionId,
        AgencyCode = request.AgencyCode,
        CaseCode = request.CaseCode,
        RequestedBy = request.RequestedBy,
        Channel = channel,
        Purpose = request.Purpose,
        RecipientOrganisation = request.RecipientOrganisation,
        ReleaseReference = request.ReleaseReference,
        Consume = request.Consume,
        Permitted = outcome.Permitted,
        Reason = outcome.Reason,
        ConsentId = outcome.Consent?.ConsentId,
        ConsentVersion = outcome.Consent?.Version,
        OverrideId = outcome.OverrideId,
        WithheldItems = [.. outcome.WithheldItems],
        DecidedAt = now,
    };

    public static ConsentDecision ToDecision(DecisionRecord record) =>
        new(record.Permitted, record.Reason, record.ConsentId, record.ConsentVersion, record.OverrideId, record.WithheldItems, record.Id);

    private async Task<Outcome> EvaluateAsync(CheckConsent request, DateTime now, CancellationToken cancellationToken)
    {
        var required = ConsentCodes.RequiredSharing(request.Purpose);
        if (required is null
            || !ConsentCodes.IsCaseCode(request.CaseCode)
            || !ConsentCodes.IsOrganisationCode(request.RecipientOrganisation)
            || !ConsentCodes.IsReleaseReference(request.ReleaseReference)
            || string.IsNullOrWhiteSpace(request.AgencyCode)
            || string.IsNullOrWhiteSpace(request.RequestedBy))
        {
            // Nothing can have been consented to for a purpose or reference that does not exist (HTTP rejects these earlier).
            return Outcome.Deny(ConsentDenialReasons.NoConsent, null);
        }

        var current = await db.CurrentAsync(request.AgencyCode, request.CaseCode, cancellationToken);
        var byConsent = await ByConsentAsync(current, required, request, now, cancellationToken);
        if (byConsent.Permitted) return byConsent;

        // Seed 000 part 4: sharing without consent only under a supervisor's override of this very release.
        var byOverride = await ByOverrideAsync(current, request, now, cancellationToken);
        return byOverride ?? byConsent;
    }

    private async Task<Outcome> ByConsentAsync(ConsentVersion? current, string required, CheckConsent request, DateTime now, CancellationToken cancellationToken)
    {
        if (current is null) return Outcome.Deny(ConsentDenialReasons.NoConsent, null);
        if (current.Status == ConsentStatus.Withdrawn) return Outcome.Deny(ConsentDenialReasons.Withdrawn, current);
        // A supervisor's authorisation never permits a release its own supervisor asked for (four eyes, like an override).
        if (current.GivenBy == ConsentGiver.SupervisorAuthorisation && current.RecordedBy == request.RequestedBy)
            return Outcome.Deny(ConsentDenialReasons.NoConsent, current);
        if (!current.Sharing.Contains(required, StringComparer.Ordinal)) return Outcome.Deny(ConsentDenialReasons.Refused, current);
        if (current.Organisations.Count > 0 && !current.Organisations.Contains(request.RecipientOrganisation, StringComparer.Ordinal))
            return Outcome.Deny(ConsentDenialReasons.RecipientNotCovered, current);
        if (current.ValidUntil is { } until && until <= now) return Outcome.Deny(ConsentDenialReasons.Expired, current);

        if (current.OneOff && !await UseAsync($"consent:{current.Id}", request, now, cancellationToken))
            return Outcome.Deny(ConsentDenialReasons.Used, current);

        return Outcome.Permit(current, null, Withheld(current, request.RecipientOrganisation));
    }

    private async Task<Outcome?> ByOverrideAsync(ConsentVersion? current, CheckConsent request, DateTime now, CancellationToken cancellationToken)
    {
        var authorised = await db.Overrides.AsNoTracking().FirstOrDefaultAsync(
            o => o.AgencyCode == request.AgencyCode && o.CaseCode == request.CaseCode && o.ReleaseReference == request.ReleaseReference,
            cancellationToken);
        // The supervisor may not authorise a release they asked for themselves (four eyes).
        if (authorised is null || authorised.Supervisor == request.RequestedBy) return null;
        // Already used by another release: say so, rather than the consent's reason.
        if (!await UseAsync($"override:{authorised.Id}", request, now, cancellationToken)) return Outcome.Deny(ConsentDenialReasons.Used, current);

        // The child's withholds still apply under an override: only the consent to share is set aside, not what they asked to keep back.
        return Outcome.Permit(null, authorised.Id, current is null ? [] : Withheld(current, request.RecipientOrganisation));
    }

    /// <summary>
    /// Uses up a one-off permit for this release, or confirms it was already used by this same release (a retry).
    /// The insert is conditional on the unique key, so of two concurrent releases exactly one inserts; the other
    /// sees the winner's row once it commits. A pre-check (Consume false) only reads.
    /// </summary>
    private async Task<bool> UseAsync(string sourceId, CheckConsent request, DateTime now, CancellationToken cancellationToken)
    {
        if (request.Consume)
        {
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO release_uses ("SourceId", "ReleaseReference", "RecipientOrganisation", "Purpose", "UsedAt")
                VALUES ({sourceId}, {request.ReleaseReference}, {request.RecipientOrganisation}, {request.Purpose}, {now})
                ON CONFLICT ("SourceId") DO NOTHING
                """,
                cancellationToken);
            if (inserted == 1) return true;
        }

        var use = await db.ReleaseUses.AsNoTracking().FirstOrDefaultAsync(u => u.SourceId == sourceId, cancellationToken);
        return use is null
            || (use.ReleaseReference == request.ReleaseReference
                && use.RecipientOrganisation == request.RecipientOrganisation
                && use.Purpose == request.Purpose);
    }

    private static List<string> Withheld(ConsentVersion consent, string recipient) =>
        [.. consent.Withholds
            .Where(w => w.Organisation is null || w.Organisation == recipient)
            .Select(w => w.Item)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private sealed record Outcome(bool Permitted, string? Reason, ConsentVersion? Consent, Guid? OverrideId, IReadOnlyList<string> WithheldItems)
    {
        public static Outcome Deny(string reason, ConsentVersion? consent) => new(false, reason, consent, null, []);

        public static Outcome Permit(ConsentVersion? consent, Guid? overrideId, IReadOnlyList<string> withheld) => new(true, null, consent, overrideId, withheld);
    }
}
