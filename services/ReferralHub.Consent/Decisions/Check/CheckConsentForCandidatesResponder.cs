using System.Security.Cryptography;
using MassTransit;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Decisions.Check;

/// <summary>
/// Answers <see cref="CheckConsentForCandidates"/> (routing's pre-check for a whole pathway): each recipient is decided
/// and logged exactly as a <see cref="CheckConsent"/> with Consume = false, in order, stopping at the first decision that
/// is not "recipient not covered". Idempotent like <see cref="CheckConsentResponder"/>: the i-th decision is keyed by the
/// request id and i, so a redelivered request gets the logged answers.
/// </summary>
public sealed class CheckConsentForCandidatesResponder(ConsentDecider decider) : IConsumer<CheckConsentForCandidates>
{
    public async Task Consume(ConsumeContext<CheckConsentForCandidates> context)
    {
        var m = context.Message;
        var requestId = context.RequestId ?? context.MessageId ?? NewId.NextGuid();
        var decisions = new List<ConsentDecision>();
        foreach (var (recipient, index) in m.RecipientOrganisations.Select((r, i) => (r, i)))
        {
            // Pre-check only: Consume is always false here; the release at acceptance asks again with Consume = true.
            var decision = await decider.DecideAsync(new CheckConsent(m.AgencyCode, m.CaseCode, recipient, m.Purpose, m.ReleaseReference, Consume: false, m.RequestedBy),
                DecisionId(requestId, index), ConsentDecider.ChannelBus, context.CancellationToken);
            decisions.Add(decision);
            if (decision.Permitted || decision.Reason != ConsentDenialReasons.RecipientNotCovered) break;
        }
        await context.RespondAsync(new CandidatesConsentDecision(decisions));
    }

    /// <summary>The request id for the first recipient; a stable id derived from it for the others.</summary>
    public static Guid DecisionId(Guid requestId, int index)
    {
        if (index == 0) return requestId;
        Span<byte> input = stackalloc byte[20];
        requestId.TryWriteBytes(input);
        BitConverter.TryWriteBytes(input[16..], index);
        return new Guid(SHA256.HashData(input)[..16]);
    }
}
