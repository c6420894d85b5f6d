using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Submit;

namespace ReferralHub.Referrals.Routing;

/// <summary>What routing decided for one referral at one routing step.</summary>
/// <summary><paramref name="Withheld"/>: what the consent withholds from the offered organisation (for its summary).</summary>
public sealed record OfferPlan(Guid ReferralId, int RoutingStep, string Outcome, int Index, string? Reason, IReadOnlyList<string>? Withheld = null);

/// <summary>
/// The consent pre-check and the offer. Planning asks the consent registry (Consume = false: nothing is used up) about
/// the services of the pathway in order, in one request, outside any database transaction; applying re-reads the referral in the
/// consumer's transaction and moves it only if nobody moved it meanwhile (routing step + concurrency token).
/// </summary>
public sealed class OfferRouting(ReferralsDbContext db, IRequestClient<CheckConsentForCandidates> consent,
    IRequestClient<CheckConsentForReferrals> batchConsent, TimeProvider clock)
{
    // Compiled once: every batch runs both, and EF's per-call work on a LINQ query (parameter extraction, hashing the
    // expression tree for its cache) cost as much as the statement (issue 17's profile).
    private static readonly CompiledQuery<Func<ReferralsDbContext, List<Guid>, IAsyncEnumerable<Referral>>> ReferralsToPlan = new(() => EF.CompileAsyncQuery(
        (ReferralsDbContext db, List<Guid> ids) => db.Referrals.AsNoTracking().Where(r => ids.Contains(r.Id))));

    private static readonly CompiledQuery<Func<ReferralsDbContext, List<Guid>, IAsyncEnumerable<Referral>>> ReferralsToApply = new(() => EF.CompileAsyncQuery(
        (ReferralsDbContext db, List<Guid> ids) => db.Referrals.Where(r => ids.Contains(r.Id))));

    /// <summary>Null when there is nothing to do (already routed, or a stale message).</summary>
    public async Task<OfferPlan?> PlanAsync(Guid referralId, int routingStep, bool next, CancellationToken cancellationToken)
    {
        var referral = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.Id == referralId, cancellationToken);
        return await PlanAsync(referral, routingStep, next, cancellationToken);
    }

    /// <summary>
    /// New referrals of a batch: their rows read in one statement (one per referral was a query's whole EF pipeline each:
    /// issue 17's profile), then ONE consent pre-check request for all of them (<see cref="CheckConsentForReferrals"/>:
    /// two messages per batch instead of two per referral). Each plan is null when there is nothing to do.
    /// </summary>
    public async Task<OfferPlan?[]> PlanNewAsync(IReadOnlyList<(Guid ReferralId, int RoutingStep)> referrals, CancellationToken cancellationToken)
    {
        var ids = referrals.Select(r => r.ReferralId).Distinct().ToList();
        var rows = new Dictionary<Guid, Referral>();
        await foreach (var row in ReferralsToPlan.For(db)(db, ids).WithCancellation(cancellationToken)) rows[row.Id] = row;

        var plans = new OfferPlan?[referrals.Count];
        var toCheck = new List<(int Index, Referral Referral)>();
        for (var i = 0; i < referrals.Count; i++)
        {
            var referral = rows.GetValueOrDefault(referrals[i].ReferralId);
            if (!Expected(referral, referrals[i].RoutingStep, next: false)) continue;
            if (referral.Candidates().Count > 0) toCheck.Add((i, referral));
            else plans[i] = Decide(referral, referrals[i].RoutingStep, next: false, first: 0, []);
        }
        if (toCheck.Count == 0) return plans;

        var response = await batchConsent.GetResponse<ReferralsConsentDecisions>(
            new CheckConsentForReferrals([.. toCheck.Select(c => PreCheck(c.Referral, first: 0))]), cancellationToken, RequestTimeout.After(s: 30));
        var answers = response.Message.Referrals;
        if (answers.Count != toCheck.Count)
            throw new InvalidOperationException($"The consent registry answered {answers.Count} pre-checks for {toCheck.Count} asked."); // the bus retries
        foreach (var ((index, referral), answer) in toCheck.Zip(answers))
            plans[index] = Decide(referral, referrals[index].RoutingStep, next: false, first: 0, answer.Decisions);
        return plans;
    }

    private async Task<OfferPlan?> PlanAsync(Referral? referral, int routingStep, bool next, CancellationToken cancellationToken)
    {
        if (!Expected(referral, routingStep, next)) return null;
        var first = next ? referral.OfferIndex + 1 : 0;
        IReadOnlyList<ConsentDecision> decisions = [];
        if (first < referral.Candidates().Count)
        {
            // One round trip for the rest of the pathway: the registry decides in the pathway's order and stops at the
            // first decision that is not "recipient not covered" (a permit, or a denial that holds for everyone).
            var response = await consent.GetResponse<CandidatesConsentDecision>(PreCheck(referral, first), cancellationToken, RequestTimeout.After(s: 30));
            decisions = response.Message.Decisions;
        }
        return Decide(referral, routingStep, next, first, decisions);
    }

    /// <summary>Whether the referral is still where the message found it (not moved on by someone else, not a stale message).</summary>
    private static bool Expected([NotNullWhen(true)] Referral? referral, int routingStep, bool next) =>
        referral is not null && referral.RoutingStep == routingStep && (next
            ? referral.Status is ReferralStatuses.Declined || (referral.Status is ReferralStatuses.Offered && referral.Overdue)
            : referral.Status is ReferralStatuses.Submitted);

    private static CheckConsentForCandidates PreCheck(Referral referral, int first) =>
        new(referral.OriginAgencyCode, referral.OriginCaseCode, [.. referral.Candidates().Skip(first).Select(c => c.OrganisationCode)],
            referral.ServiceType, ReleaseReference(referral.Id), RequestedBy: referral.SubmittedBy);

    /// <summary>The plan from the registry's decisions for the pathway's services from <paramref name="first"/> on, in order.</summary>
    private static OfferPlan? Decide(Referral referral, int routingStep, bool next, int first, IReadOnlyList<ConsentDecision> decisions)
    {
        string? notCovered = null;
        foreach (var (decision, index) in decisions.Select((d, k) => (d, first + k)))
        {
            if (decision.Permitted) return new OfferPlan(referral.Id, routingStep, ReferralStatuses.Offered, index, null, decision.WithheldItems);
            // Consent may name its recipients: one provider not covered does not block the next one.
            if (decision.Reason == ConsentDenialReasons.RecipientNotCovered) { notCovered = decision.Reason; continue; }
            return new OfferPlan(referral.Id, routingStep, ReferralStatuses.BlockedConsent, index, decision.Reason ?? ConsentDenialReasons.NoConsent);
        }

        if (notCovered is not null && !next) return new OfferPlan(referral.Id, routingStep, ReferralStatuses.BlockedConsent, -1, notCovered);
        if (next && referral.Status is ReferralStatuses.Offered) return null; // overdue, nobody further: it stays with the current provider
        return new OfferPlan(referral.Id, routingStep, ReferralStatuses.Unplaced, -1, next ? RoutingReasons.NoFurtherService : RoutingReasons.NoServiceAvailable);
    }

    public async Task ApplyAsync(OfferPlan plan, CancellationToken cancellationToken) =>
        Apply(await db.Referrals.SingleOrDefaultAsync(r => r.Id == plan.ReferralId, cancellationToken), plan);

    /// <summary>
    /// <see cref="ApplyAsync"/> for a batch's plans, in their order, the referrals read (tracked) in one statement. Two
    /// plans for one referral share its tracked row, so the second sees the routing step the first moved on and does nothing.
    /// </summary>
    public async Task ApplyAllAsync(IReadOnlyList<OfferPlan> plans, CancellationToken cancellationToken)
    {
        if (plans.Count == 0) return;
        var ids = plans.Select(p => p.ReferralId).Distinct().ToList();
        var referrals = new Dictionary<Guid, Referral>();
        await foreach (var row in ReferralsToApply.For(db)(db, ids).WithCancellation(cancellationToken)) referrals[row.Id] = row;
        foreach (var plan in plans) Apply(referrals.GetValueOrDefault(plan.ReferralId), plan);
    }

    private void Apply(Referral? referral, OfferPlan plan)
    {
        if (referral is null || referral.RoutingStep != plan.RoutingStep || referral.Status is not
            (ReferralStatuses.Submitted or ReferralStatuses.Declined or ReferralStatuses.Offered)) return;

        var now = clock.GetUtcNow().UtcDateTime;
        if (plan.Outcome == ReferralStatuses.Offered)
        {
            var candidate = referral.Candidates()[plan.Index];
            var reoffer = referral.Status is not ReferralStatuses.Submitted;
            referral.OfferIndex = plan.Index;
            referral.ServiceId = candidate.ServiceId;
            referral.OrganisationCode = candidate.OrganisationCode;
            referral.OfferedAt = now;
            referral.OfferWithheldJson = JsonSerializer.Serialize(plan.Withheld ?? [], ReferralJson.Options);
            referral.DeadlineAt = now + ReferralLog.ResponseTime(referral.Priority);
            referral.Overdue = false;
            referral.OverdueAt = null;
            referral.RoutingStep++;
            db.MoveTo(referral, ReferralStatuses.Offered, reoffer ? RoutingReasons.Reoffered : null, now, clock);
            // For the provider's focal points' notices (the portal): what waits, how urgent, by when — nothing about the child.
            db.PublishViaOutbox(new ReferralOffered(referral.Id, candidate.OrganisationCode, candidate.ServiceId, referral.ServiceType,
                referral.Priority, referral.AreaCode, referral.DeadlineAt.Value, now, referral.Version), ReferralLog.AggregateId(referral.Id), clock);
        }
        else
        {
            referral.RoutingStep++;
            db.MoveTo(referral, plan.Outcome, plan.Reason, now, clock);
        }
    }

    public static string ReleaseReference(Guid referralId) => $"referral:{referralId}";
}

/// <summary>
/// New referrals: consent pre-check, then offer to the first service of the pathway (or blocked/unplaced). Batched:
/// the batch's referrals are read in one statement and pre-checked in one request (outside any transaction: a
/// SQLite write lock is never held across a bus round trip), then every offer of the batch commits in one transaction,
/// its referrals re-read in one statement — one commit (one fsync of referrals.db) per batch instead of per referral,
/// the largest wait the profile showed (docs/benchmarks.md).
/// </summary>
public sealed class OfferSubmittedReferralConsumer(ReferralsDbContext db, OfferRouting routing,
    ILogger<OfferSubmittedReferralConsumer> logger, TimeProvider clock)
    : IdempotentBatchConsumer<ReferralSubmitted, ReferralsDbContext>(db, logger, clock)
{
    private readonly Dictionary<Guid, OfferPlan> _plans = [];

    public override async Task Consume(ConsumeContext<Batch<ReferralSubmitted>> context)
    {
        // Planned outside the batch's transaction (routing's own context is used only for one read, before it begins).
        var plans = await routing.PlanNewAsync([.. context.Message.Select(m => (m.Message.ReferralId, m.Message.RoutingStep))], context.CancellationToken);
        _plans.Clear();
        for (var i = 0; i < plans.Length; i++)
            if (context.Message[i].MessageId is { } id && plans[i] is { } plan) _plans[id] = plan;
        if (_plans.Count == 0) return; // nothing to move (stale or already routed): nothing to record either
        await base.Consume(context);
        foreach (var plan in _plans.Values)
            logger.LogInformation("Referral {ReferralId} routed: {Outcome} {Reason}", plan.ReferralId, plan.Outcome, plan.Reason);
    }

    protected override Task HandleBatchAsync(IReadOnlyList<ConsumeContext<ReferralSubmitted>> messages, CancellationToken cancellationToken) =>
        routing.ApplyAllAsync([.. messages.Select(m => _plans.GetValueOrDefault(m.MessageId!.Value)).OfType<OfferPlan>()], cancellationToken);

    protected override Task HandleAsync(ConsumeContext<ReferralSubmitted> context) =>
        _plans.TryGetValue(context.MessageId!.Value, out var plan) ? routing.ApplyAsync(plan, context.CancellationToken) : Task.CompletedTask;
}

/// <summary>After a decline (or an overdue offer on a re-offering pathway): offer to the next service, or unplaced.</summary>
public sealed class OfferToNextServiceConsumer(ReferralsDbContext db, OfferRouting routing, ILogger<OfferToNextServiceConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<OfferToNextService, ReferralsDbContext>(db, logger, clock)
{
    private OfferPlan? _plan;

    public override async Task Consume(ConsumeContext<OfferToNextService> context)
    {
        _plan = await routing.PlanAsync(context.Message.ReferralId, context.Message.RoutingStep, next: true, context.CancellationToken);
        if (_plan is null) return;
        await base.Consume(context);
        logger.LogInformation("Referral {ReferralId} re-routed: {Outcome} {Reason}", _plan.ReferralId, _plan.Outcome, _plan.Reason);
    }

    protected override Task HandleAsync(ConsumeContext<OfferToNextService> context) => routing.ApplyAsync(_plan!, context.CancellationToken);
}
