using MassTransit;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Decisions.Check;

/// <summary>
/// Answers <see cref="CheckConsent"/> for referral routing and transfer handover. Idempotent: the decision is keyed by the
/// request id (a redelivery gets the logged answer) and a one-off use by the release reference (a retry gets the same permit).
/// </summary>
public sealed class CheckConsentResponder(ConsentDecider decider) : IConsumer<CheckConsent>
{
    public async Task Consume(ConsumeContext<CheckConsent> context)
    {
        var decisionId = context.RequestId ?? context.MessageId ?? NewId.NextGuid();
        var decision = await decider.DecideAsync(context.Message, decisionId, ConsentDecider.ChannelBus, context.CancellationToken);
        await context.RespondAsync(decision);
    }
}
