using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Decisions;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>
/// Routing's pre-check for a batch of new referrals in one request (<see cref="CheckConsentForReferrals"/>): each item
/// answered exactly as its own <see cref="CheckConsentForCandidates"/>, in the request's order, every decision in the
/// log before the answer, and a redelivered batch answered from the log.
/// </summary>
public sealed class ReferralsPreCheckTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Each_referral_of_a_batch_gets_the_answer_its_own_pre_check_gets_and_every_decision_is_logged_when_answered()
    {
        var client = await hub.AgencyAAsync();
        var named = ConsentApi.NewCase();
        var anyone = ConsentApi.NewCase();
        var refused = ConsentApi.NewCase();
        var none = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(named, ["medical"], hub.Clock, organisations: ["agency-d"]));
        await client.RecordAsync(ConsentApi.Consent(anyone, ["medical"], hub.Clock,
            withholds: [new { item = "caseHistory", organisation = "agency-b", reason = "wants-to-tell-themselves" }]));
        await client.RecordAsync(ConsentApi.Consent(refused, ["education-formal"], hub.Clock));
        CheckConsentForCandidates Item(string caseCode, int referral) =>
            new("agency-a", caseCode, ["agency-b", "agency-c", "agency-d"], "medical", $"referral:{referral}", "agency-a-caseworker");
        var items = new[] { Item(named, 21), Item(anyone, 22), Item(refused, 23), Item(none, 24) };

        var batch = await PreCheckAsync(items);
        var singles = new List<CandidatesConsentDecision>();
        foreach (var item in items) singles.Add(await PreCheckAsync(item));

        Assert.Equal(items.Length, batch.Referrals.Count);
        Assert.Equal(singles.Select(Summary), batch.Referrals.Select(Summary));
        Assert.Equal([false, false, true], batch.Referrals[0].Decisions.Select(d => d.Permitted));
        Assert.Equal(["caseHistory"], Assert.Single(batch.Referrals[1].Decisions).WithheldItems);
        Assert.Equal(ConsentDenialReasons.Refused, Assert.Single(batch.Referrals[2].Decisions).Reason);
        Assert.Equal(ConsentDenialReasons.NoConsent, Assert.Single(batch.Referrals[3].Decisions).Reason);
        // Every decision has its own id and is in its case's log, the batch's as well as the single pre-checks'.
        var batchIds = batch.Referrals.SelectMany(r => r.Decisions.Select(d => d.DecisionId)).ToList();
        Assert.Equal(6, batchIds.Distinct().Count());
        Assert.Empty(batchIds.Intersect(singles.SelectMany(r => r.Decisions.Select(d => d.DecisionId))));
        Assert.Subset((await LoggedAsync(client, named)).ToHashSet(), batch.Referrals[0].Decisions.Select(d => d.DecisionId).ToHashSet());
        Assert.Subset((await LoggedAsync(client, none)).ToHashSet(), batch.Referrals[3].Decisions.Select(d => d.DecisionId).ToHashSet());
    }

    [Fact]
    public async Task A_redelivered_batch_gets_the_answers_logged_the_first_time()
    {
        var client = await hub.AgencyAAsync();
        var first = ConsentApi.NewCase();
        var second = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(first, ["medical"], hub.Clock, organisations: ["agency-c"]));
        await client.RecordAsync(ConsentApi.Consent(second, ["medical"], hub.Clock));
        var request = new CheckConsentForReferrals([
            new("agency-a", first, ["agency-b", "agency-c"], "medical", "referral:31", "agency-a-caseworker"),
            new("agency-a", second, ["agency-b"], "medical", "referral:32", "agency-a-caseworker")]);
        var requestId = Guid.NewGuid();

        async Task<IReadOnlyList<IReadOnlyList<ConsentDecision>>> DeliverAsync()
        {
            await using var scope = hub.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDecider>().PreCheckReferralsAsync(request, requestId, ConsentDecider.ChannelBus, CancellationToken.None);
        }
        var answered = await DeliverAsync();
        (await client.PostAsync($"/api/v1/consents/{first}/withdraw", null)).EnsureSuccessStatusCode();
        var redelivered = await DeliverAsync();

        // Decided anew, the first item would now be one "withdrawn" denial: the copy is answered from the log, and
        // nothing more is logged for it.
        Assert.Equal([false, true], answered[0].Select(d => d.Permitted));
        Assert.Equal(answered.SelectMany(a => a.Select(d => (d.DecisionId, d.Permitted, d.Reason))),
            redelivered.SelectMany(a => a.Select(d => (d.DecisionId, d.Permitted, d.Reason))));
        Assert.Equal(answered[0].Select(d => d.DecisionId).Order(), (await LoggedAsync(client, first)).Order());
        Assert.Equal(answered[1].Select(d => d.DecisionId), await LoggedAsync(client, second));
    }

    private static string Summary(CandidatesConsentDecision answer) =>
        string.Join(" ", answer.Decisions.Select(d => $"{d.Permitted}/{d.Reason}/{d.ConsentId}/{string.Join(",", d.WithheldItems)}"));

    private static async Task<List<Guid>> LoggedAsync(HttpClient client, string caseCode)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/decisions?limit=100");
        return [.. page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("decisionId").GetGuid())];
    }

    private async Task<ReferralsConsentDecisions> PreCheckAsync(CheckConsentForCandidates[] items)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsentForReferrals>>();
        return (await client.GetResponse<ReferralsConsentDecisions>(new CheckConsentForReferrals(items))).Message;
    }

    private async Task<CandidatesConsentDecision> PreCheckAsync(CheckConsentForCandidates item)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsentForCandidates>>();
        return (await client.GetResponse<CandidatesConsentDecision>(item)).Message;
    }
}
