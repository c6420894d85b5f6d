using MassTransit;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Decisions.Check;

/// <summary>
/// Answers <see cref="CheckConsentForReferrals"/> (routing's pre-check for a batch of new referrals): each item is
/// decided and logged exactly as a <see cref="CheckConsentForCandidates"/>, its decisions keyed by the request id and the
/// item's place (<see cref="CheckConsentForCandidatesResponder.ItemId"/>), so a redelivered batch gets the logged answers;
/// the whole batch's decisions are durable in one commit before the answer is sent.
/// </summary>
public sealed class CheckConsentForReferralsResponder(ConsentDecider decider) : IConsumer<CheckConsentForReferrals>
{
    public async Task Consume(ConsumeContext<CheckConsentForReferrals> context)
    {
        var requestId = context.RequestId ?? context.MessageId ?? NewId.NextGuid();
        // Pre-check only: Consume is always false here; the release at acceptance asks again with Consume = true.
        var answers = await decider.PreCheckReferralsAsync(context.Message, requestId, ConsentDecider.ChannelBus, context.CancellationToken);
        await context.RespondAsync(new ReferralsConsentDecisions([.. answers.Select(decisions => new CandidatesConsentDecision(decisions))]));
    }
}
