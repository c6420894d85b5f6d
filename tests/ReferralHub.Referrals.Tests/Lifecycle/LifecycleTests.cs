using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Lifecycle;

/// <summary>The server-enforced lifecycle on the referral module with fake directory/consent responders (fast).</summary>
public sealed class LifecycleTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    private readonly HttpClient _referrer = hub.ClientFor("agency-a", Roles.Referrer, Roles.Supervisor);
    private readonly HttpClient _providerB = hub.ClientFor("agency-b", Roles.Provider);
    private readonly HttpClient _providerC = hub.ClientFor("agency-c", Roles.Provider);

    private string NewCase(FakeConsent? consent = null)
    {
        var code = $"CASE-{Guid.NewGuid():N}"[..20];
        if (consent is not null) hub.World.Consents[code] = consent;
        return code;
    }

    [Fact]
    public async Task The_inbox_lists_what_needs_an_answer_soonest_deadline_first_and_everything_with_status_all()
    {
        var answered = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        var waiting = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, answered, "offered");
        await WaitForStatusAsync(_referrer, waiting, "offered");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, answered, "accept")).StatusCode);

        var needsAnswer = (await _providerB.GetFromJsonAsync<JsonElement>("/api/v1/inbox?limit=100")).GetProperty("items").EnumerateArray().ToList();
        var everything = await ReadAllAsync("/api/v1/inbox?status=all&limit=1");

        Assert.Contains(needsAnswer, i => i.GetProperty("id").GetGuid() == waiting);
        Assert.DoesNotContain(needsAnswer, i => i.GetProperty("id").GetGuid() == answered);
        Assert.All(needsAnswer, i => Assert.Equal("offered", i.GetProperty("status").GetString()));
        var deadlines = needsAnswer.Select(i => i.GetProperty("deadlineAt").GetDateTime()).ToList();
        Assert.Equal(deadlines.Order(), deadlines);
        Assert.Contains(everything, i => i.GetProperty("id").GetGuid() == answered && i.GetProperty("status").GetString() == "accepted");
        Assert.Contains(everything, i => i.GetProperty("id").GetGuid() == waiting);
        Assert.Equal(everything.Count, everything.Select(i => i.GetProperty("id").GetGuid()).Distinct().Count());
        Assert.Equal(HttpStatusCode.BadRequest, (await _providerB.GetAsync("/api/v1/inbox?status=pending")).StatusCode);

        async Task<List<JsonElement>> ReadAllAsync(string url)
        {
            var all = new List<JsonElement>();
            string? cursor = null;
            do
            {
                var page = await _providerB.GetFromJsonAsync<JsonElement>(url + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
                all.AddRange(page.GetProperty("items").EnumerateArray());
                cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
            } while (cursor is not null && all.Count < 1000);
            return all;
        }
    }

    [Fact]
    public async Task Nadia_is_offered_accepted_started_and_completed_and_the_provider_never_sees_a_withheld_item()
    {
        var caseCode = NewCase(new FakeConsent(true, Withheld: [ReferralItems.CaseHistory]));
        var id = await SubmitOkAsync(_referrer, NadiaReferral(caseCode));

        await WaitForStatusAsync(_referrer, id, "offered");
        var inbox = await _providerB.GetFromJsonAsync<JsonElement>("/api/v1/inbox");
        var item = inbox.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal("15-17", item.GetProperty("ageBand").GetString());
        Assert.Equal("female", item.GetProperty("sex").GetString());
        Assert.DoesNotContain("Nadia", item.GetRawText());
        Assert.DoesNotContain(caseCode, item.GetRawText());
        var beforeAccept = await GetAsync(_providerB, id);
        Assert.Equal(JsonValueKind.Null, beforeAccept.GetProperty("payload").ValueKind);
        Assert.DoesNotContain("Nadia", beforeAccept.GetRawText());

        var accepted = await PostAsync(_providerB, id, "accept");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var released = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var payload = released.GetProperty("payload");
        Assert.Equal("Nadia", payload.GetProperty("child").GetProperty("firstName").GetString());
        Assert.Contains("nightmares", payload.GetProperty("expectedOutcome").GetString());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("caseHistory").ValueKind); // withheld by the consent
        Assert.DoesNotContain("hometown", released.GetRawText());
        Assert.DoesNotContain(ReferralItems.CaseHistory, released.GetProperty("releasedItems").EnumerateArray().Select(i => i.GetString()));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "start", new { startedOn = "2022-09-18" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "complete", CompleteForm)).StatusCode);

        var final = await GetAsync(_referrer, id);
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal("high", final.GetProperty("service").GetProperty("childSatisfaction").GetString());
        Assert.Equal("Sarah Kamal", final.GetProperty("service").GetProperty("report").GetProperty("providedBy").GetProperty("name").GetString());
        Assert.Equal(["submitted", "offered", "accepted", "in-service", "completed"],
            final.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        var release = final.GetProperty("releases").EnumerateArray().Single();
        Assert.Equal("agency-b", release.GetProperty("organisationCode").GetString());
        Assert.Equal(1, release.GetProperty("consentVersion").GetInt32());
        Assert.Contains(ReferralItems.CaseHistory, release.GetProperty("withheld").EnumerateArray().Select(i => i.GetString()));
        // Consent was pre-checked without using it up, then used up at release, both for this referral only.
        var checks = hub.World.ConsentChecks.Where(c => c.CaseCode == caseCode).ToList();
        Assert.Equal([false, true], checks.Select(c => c.Consume));
        Assert.All(checks, c => Assert.Equal($"referral:{id}", c.ReleaseReference));
    }

    [Fact]
    public async Task Without_consent_the_referral_is_blocked_with_the_reason_and_no_provider_sees_it()
    {
        var caseCode = NewCase(new FakeConsent(false, ConsentDenialReasons.Refused));
        var id = await SubmitOkAsync(_referrer, NadiaReferral(caseCode));

        var blocked = await WaitForStatusAsync(_referrer, id, "blocked-consent");
        Assert.Equal(ConsentDenialReasons.Refused, blocked.GetProperty("reason").GetString());
        Assert.Empty(blocked.GetProperty("releases").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await _providerB.GetAsync($"/api/v1/referrals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(_providerB, id, "accept")).StatusCode);
    }

    [Fact]
    public async Task Consent_withdrawn_between_offer_and_acceptance_releases_nothing()
    {
        var caseCode = NewCase(new FakeConsent(true));
        var id = await SubmitOkAsync(_referrer, NadiaReferral(caseCode));
        await WaitForStatusAsync(_referrer, id, "offered");
        hub.World.Consents[caseCode] = new FakeConsent(false, ConsentDenialReasons.Withdrawn);

        var response = await PostAsync(_providerB, id, "accept");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.DoesNotContain("Nadia", await response.Content.ReadAsStringAsync());
        var seen = await GetAsync(_providerB, id);
        Assert.Equal("withdrawn", seen.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("payload").ValueKind);
        var referrerView = await GetAsync(_referrer, id);
        Assert.Equal("blocked-consent", referrerView.GetProperty("status").GetString());
        Assert.Empty(referrerView.GetProperty("releases").EnumerateArray());
    }

    [Fact]
    public async Task ConsentWithdrawn_withdraws_every_referral_of_the_case_not_yet_accepted()
    {
        var caseCode = NewCase(new FakeConsent(true));
        var accepted = await SubmitOkAsync(_referrer, NadiaReferral(caseCode));
        var open = await SubmitOkAsync(_referrer, NadiaReferral(caseCode));
        var otherCase = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, accepted, "offered");
        await WaitForStatusAsync(_referrer, open, "offered");
        await WaitForStatusAsync(_referrer, otherCase, "offered");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, accepted, "accept")).StatusCode);

        await hub.Services.GetRequiredService<IBus>().Publish(new ConsentWithdrawn("agency-a", caseCode, Guid.NewGuid(), 2, DateTime.UtcNow));

        var withdrawn = await WaitForStatusAsync(_referrer, open, "withdrawn");
        Assert.Equal("consent-withdrawn", withdrawn.GetProperty("reason").GetString());
        var providerView = await GetAsync(_providerB, open);
        Assert.Equal("withdrawn", providerView.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, providerView.GetProperty("reason").ValueKind);
        Assert.Equal("accepted", (await GetAsync(_referrer, accepted)).GetProperty("status").GetString());
        Assert.Equal("offered", (await GetAsync(_referrer, otherCase)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_decline_needs_a_reason_and_on_a_reoffering_pathway_the_next_service_gets_the_offer()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, id, "offered");

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(_providerB, id, "decline", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(_providerB, id, "decline", new { reason = "other" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "decline", new { reason = "no-capacity" })).StatusCode);

        var reoffered = await WaitAsync(async () =>
        {
            var r = await GetAsync(_referrer, id);
            return r.GetProperty("organisationCode").GetString() == "agency-c" ? r : null;
        }, "re-offer to agency-c");
        Assert.Equal("offered", reoffered.GetProperty("status").GetString());
        Assert.Contains(reoffered.GetProperty("history").EnumerateArray(), h => h.GetProperty("status").GetString() == "declined"
            && h.GetProperty("reason").GetString() == "no-capacity");
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(_providerB, id, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerC, id, "accept")).StatusCode);
    }

    [Fact]
    public async Task The_last_decline_leaves_the_referral_unplaced()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true, Recipients: ["agency-c"]))));
        var offered = await WaitForStatusAsync(_referrer, id, "offered");
        Assert.Equal("agency-c", offered.GetProperty("organisationCode").GetString()); // agency-b is not covered by the consent

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerC, id, "decline", new { reason = "other", details = "Waiting list full" })).StatusCode);

        var unplaced = await WaitForStatusAsync(_referrer, id, "unplaced");
        Assert.Equal("Waiting list full", unplaced.GetProperty("decline").GetProperty("details").GetString());
    }

    [Fact]
    public async Task Illegal_steps_are_refused_with_problem_details()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, id, "offered");

        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_providerB, id, "start", new { startedOn = "2022-09-18" }));
        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_providerB, id, "complete", CompleteForm));
        await AssertProblemAsync(HttpStatusCode.Forbidden, await PostAsync(_providerB, id, "withdraw", new { reason = "other" }));
        await AssertProblemAsync(HttpStatusCode.Forbidden, await PostAsync(_referrer, id, "accept"));
        await AssertProblemAsync(HttpStatusCode.NotFound, await PostAsync(_providerC, id, "accept"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "accept")).StatusCode);
        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_providerB, id, "accept"));
        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_providerB, id, "decline", new { reason = "no-capacity" }));
        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_providerB, id, "complete", CompleteForm));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "start", new { startedOn = "2022-09-18" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "complete", CompleteForm)).StatusCode);
        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_referrer, id, "withdraw", new { reason = "other" }));
    }

    [Fact]
    public async Task The_referrer_may_withdraw_before_completion_and_the_provider_sees_withdrawn_without_the_reason()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, id, "offered");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "accept")).StatusCode);

        await AssertProblemAsync(HttpStatusCode.BadRequest, await PostAsync(_referrer, id, "withdraw", new { }));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_referrer, id, "withdraw", new { reason = "child-moved" })).StatusCode);

        var seen = await GetAsync(_providerB, id);
        Assert.Equal("withdrawn", seen.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("reason").ValueKind);
        await AssertProblemAsync(HttpStatusCode.Conflict, await PostAsync(_providerB, id, "start", new { startedOn = "2022-09-18" }));
    }

    [Fact]
    public async Task Of_two_concurrent_accepts_exactly_one_wins()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, id, "offered");
        var second = hub.ClientFor("agency-b", Roles.Provider);

        var answers = await Task.WhenAll(PostAsync(_providerB, id, "accept"), PostAsync(second, id, "accept"),
            PostAsync(_providerB, id, "decline", new { reason = "no-capacity" }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        var final = await GetAsync(_referrer, id);
        Assert.True(final.GetProperty("releases").GetArrayLength() <= 1);
    }

    [Fact]
    public async Task Another_agency_cannot_read_list_or_withdraw_a_referral()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        var otherReferrer = hub.ClientFor("agency-x", Roles.Referrer);

        Assert.Equal(HttpStatusCode.NotFound, (await otherReferrer.GetAsync($"/api/v1/referrals/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(otherReferrer, id, "withdraw", new { reason = "other" })).StatusCode);
        var list = await otherReferrer.GetFromJsonAsync<JsonElement>("/api/v1/referrals");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        var inbox = await _providerC.GetFromJsonAsync<JsonElement>("/api/v1/inbox");
        Assert.DoesNotContain(inbox.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task The_referrer_lists_its_referrals_with_filters_and_cursor_paging()
    {
        var caseCode = NewCase(new FakeConsent(true));
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++) ids.Add(await SubmitOkAsync(_referrer, NadiaReferral(caseCode, priority: "high")));

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await _referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals?caseCode={caseCode}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);

        Assert.Equal(ids, seen);
        var low = await _referrer.GetFromJsonAsync<JsonElement>($"/api/v1/referrals?caseCode={caseCode}&priority=low");
        Assert.Empty(low.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await _referrer.GetAsync("/api/v1/referrals?status=lost")).StatusCode);
    }

    [Fact]
    public async Task Notes_pass_both_ways_between_the_parties_only_once_the_provider_accepted()
    {
        var id = await SubmitOkAsync(_referrer, NadiaReferral(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, id, "offered");

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_referrer, id, "notes", new { text = "Please call before the visit." })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _providerB.GetAsync($"/api/v1/referrals/{id}/notes")).StatusCode); // not before consent allowed a release
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_providerB, id, "notes", new { text = "First session on Monday." })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(_providerC, id, "notes", new { text = "hello" })).StatusCode);

        var notes = await _providerB.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}/notes");
        Assert.Equal(["referrer", "provider"], notes.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("authorSide").GetString()));
    }

    private static async Task AssertProblemAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
