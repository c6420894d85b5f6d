using System.Security.Cryptography;
using MassTransit;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Decisions.Check;

/// <summary>
/// Answers <see cref="CheckConsentForCandidates"/> (routing's pre-check for a whole pathway): each recipient is decided
/// and logged exactly as a <see cref="CheckConsent"/> with Consume = false, in order, stopping at the first decision that
/// is not "recipient not covered". Idempotent like <see cref="CheckConsentResponder"/>: the i-th decision is keyed by the
/// request id and i, so a redelivered request gets the logged answers. The decisions of concurrent requests are
/// logged in one shared commit (<see cref="ConsentDecider.PreCheckCandidatesAsync"/>), durable before the answer.
/// </summary>
public sealed class CheckConsentForCandidatesResponder(ConsentDecider decider) : IConsumer<CheckConsentForCandidates>
{
    public async Task Consume(ConsumeContext<CheckConsentForCandidates> context)
    {
        var requestId = context.RequestId ?? context.MessageId ?? NewId.NextGuid();
        // Pre-check only: Consume is always false here; the release at acceptance asks again with Consume = true.
        var decisions = await decider.PreCheckCandidatesAsync(context.Message, requestId, ConsentDecider.ChannelBus, context.CancellationToken);
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

    /// <summary>
    /// The id standing for the request id of the i-th item of a <see cref="CheckConsentForReferrals"/>: derived with a
    /// negative index, so it never equals a <see cref="DecisionId"/> of the batch's own id or of another item.
    /// </summary>
    public static Guid ItemId(Guid requestId, int item) => DecisionId(requestId, -1 - item);
}
