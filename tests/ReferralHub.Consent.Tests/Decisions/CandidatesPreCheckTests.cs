using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Consent.Decisions;
using ReferralHub.Consent.Tests.Infrastructure;
using ReferralHub.Contracts.Consent;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>
/// Routing's pre-check for a whole pathway in one request (<see cref="CheckConsentForCandidates"/>): decided per
/// recipient in order exactly as single pre-checks, up to the first decision that is not "recipient not covered";
/// nothing is used up, so the release at acceptance still decides (and uses) the consent.
/// </summary>
public sealed class CandidatesPreCheckTests(ConsentHub hub) : IClassFixture<ConsentHub>
{
    [Fact]
    public async Task Recipients_not_covered_are_passed_over_until_the_first_covered_one_and_nothing_is_used_up()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, oneOff: true, organisations: ["agency-d", "agency-e"]));

        var answer = await PreCheckAsync(caseCode, ["agency-b", "agency-c", "agency-d", "agency-e"]);

        Assert.Equal([false, false, true], answer.Decisions.Select(d => d.Permitted));
        Assert.Equal([ConsentDenialReasons.RecipientNotCovered, ConsentDenialReasons.RecipientNotCovered, null], answer.Decisions.Select(d => d.Reason));
        Assert.Equal(3, answer.Decisions.Select(d => d.DecisionId).Distinct().Count());
        // The one-off consent was not used by the pre-check: the release decides and uses it.
        Assert.True((await client.CheckAsync(caseCode, "agency-d", "medical", "referral:1")).Permitted);
        Assert.Equal(ConsentDenialReasons.Used, (await client.CheckAsync(caseCode, "agency-d", "medical", "referral:2")).Reason);
    }

    [Fact]
    public async Task A_denial_that_holds_for_everyone_ends_the_answer()
    {
        var client = await hub.AgencyAAsync();
        var refused = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(refused, ["education-formal"], hub.Clock));

        var none = await PreCheckAsync(ConsentApi.NewCase(), ["agency-b", "agency-d"]);
        var notTicked = await PreCheckAsync(refused, ["agency-b", "agency-d"]);

        Assert.Equal(ConsentDenialReasons.NoConsent, Assert.Single(none.Decisions).Reason);
        Assert.Equal(ConsentDenialReasons.Refused, Assert.Single(notTicked.Decisions).Reason);
    }

    [Fact]
    public async Task Each_recipients_answer_is_the_single_pre_checks_answer()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, organisations: ["agency-d"],
            withholds: [new { item = "caseHistory", organisation = "agency-d", reason = "wants-to-tell-themselves" }]));

        var answer = await PreCheckAsync(caseCode, ["agency-b", "agency-d"]);
        var single = await client.CheckAsync(caseCode, "agency-d", "medical", "referral:7", consume: false);

        var permit = answer.Decisions[^1];
        Assert.True(permit.Permitted);
        Assert.Equal(single.ConsentId, permit.ConsentId);
        Assert.Equal(single.ConsentVersion, permit.ConsentVersion);
        Assert.Equal(single.WithheldItems, permit.WithheldItems);
    }

    [Fact]
    public async Task Concurrent_pre_checks_are_each_in_the_log_when_answered()
    {
        // Their decisions share commits (the decision log's group commit); each answer is sent only once its own decisions are logged.
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, organisations: ["agency-d"]));

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            var answer = await PreCheckAsync(caseCode, ["agency-b", "agency-d"]);
            return (answer, loggedThen: await LoggedAsync(client, caseCode)); // the log as soon as this answer arrived
        })));

        Assert.All(answers, a => Assert.Equal([false, true], a.answer.Decisions.Select(d => d.Permitted)));
        Assert.All(answers, a => Assert.Subset(a.loggedThen.ToHashSet(), a.answer.Decisions.Select(d => d.DecisionId).ToHashSet()));
        var answered = answers.SelectMany(a => a.answer.Decisions.Select(d => d.DecisionId)).ToHashSet();
        Assert.Equal(24, answered.Count);
        Assert.Equal(answered.Order(), (await LoggedAsync(client, caseCode)).Order());
    }

    [Fact]
    public async Task A_redelivered_pre_check_is_answered_from_the_log_even_when_both_run_at_once()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, organisations: ["agency-d"]));
        var request = new CheckConsentForCandidates("agency-a", caseCode, ["agency-b", "agency-c", "agency-d"], "medical", "referral:9", "agency-a-caseworker");
        var requestId = Guid.NewGuid();

        async Task<IReadOnlyList<ConsentDecision>> DeliverAsync()
        {
            await using var scope = hub.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDecider>().PreCheckCandidatesAsync(request, requestId, ConsentDecider.ChannelBus, CancellationToken.None);
        }
        var twice = await Task.WhenAll(Task.Run(DeliverAsync), Task.Run(DeliverAsync));
        var later = await DeliverAsync();

        Assert.Equal([false, false, true], later.Select(d => d.Permitted));
        Assert.Equal(later.Select(d => d.DecisionId), twice[0].Select(d => d.DecisionId));
        Assert.Equal(later.Select(d => d.DecisionId), twice[1].Select(d => d.DecisionId));
        Assert.Equal(later.Select(d => d.DecisionId).Order(), (await LoggedAsync(client, caseCode)).Order());
    }

    [Fact]
    public async Task A_pre_check_redelivered_after_the_consent_changed_gets_the_answer_logged_the_first_time()
    {
        var client = await hub.AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], hub.Clock, organisations: ["agency-c"]));
        var request = new CheckConsentForCandidates("agency-a", caseCode, ["agency-b", "agency-c"], "medical", "referral:11", "agency-a-caseworker");
        var requestId = Guid.NewGuid();

        async Task<IReadOnlyList<ConsentDecision>> DeliverAsync()
        {
            await using var scope = hub.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ConsentDecider>().PreCheckCandidatesAsync(request, requestId, ConsentDecider.ChannelBus, CancellationToken.None);
        }
        var first = await DeliverAsync();
        (await client.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).EnsureSuccessStatusCode();
        var redelivered = await DeliverAsync();

        // Routing acts on one answer per request: the copy is answered from the log (decided anew, it would now be
        // one "withdrawn" denial), and nothing more is logged for it. A new request decides anew.
        Assert.Equal([false, true], first.Select(d => d.Permitted));
        Assert.Equal(first.Select(d => (d.DecisionId, d.Permitted, d.Reason)), redelivered.Select(d => (d.DecisionId, d.Permitted, d.Reason)));
        Assert.Equal(first.Select(d => d.DecisionId).Order(), (await LoggedAsync(client, caseCode)).Order());
        Assert.Equal(ConsentDenialReasons.Withdrawn, Assert.Single((await PreCheckAsync(caseCode, ["agency-b", "agency-c"])).Decisions).Reason);
    }

    private static async Task<List<Guid>> LoggedAsync(HttpClient client, string caseCode)
    {
        var ids = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/decisions?limit=100{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("decisionId").GetGuid()));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return ids;
    }

    private async Task<CandidatesConsentDecision> PreCheckAsync(string caseCode, string[] recipients)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsentForCandidates>>();
        return (await client.GetResponse<CandidatesConsentDecision>(
            new CheckConsentForCandidates("agency-a", caseCode, recipients, "medical", "referral:7", "agency-a-caseworker"))).Message;
    }
}
