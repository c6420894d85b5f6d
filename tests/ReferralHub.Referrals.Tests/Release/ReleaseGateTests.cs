using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Release;

/// <summary>
/// The release gate on the referral module (fake directory/consent): each party reads only what the consent in force,
/// the need-to-know profile and the release record allow it — before acceptance, after a consent withdrawal and after a
/// case transfer. Every personal field carries a marker, so a leak shows up wherever it happens.
/// </summary>
public sealed class ReleaseGateTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    private readonly HttpClient _referrer = hub.ClientFor("agency-a", Roles.Referrer);
    private readonly HttpClient _providerB = hub.ClientFor("agency-b", Roles.Provider);
    private readonly HttpClient _newOwner = hub.ClientFor("agency-d", Roles.Referrer);

    private const string HistoryMarker = "MARK-HISTORY-7c1";
    private const string NameMarker = "MARKNAME";
    private const string NeedsMarker = "MARK-NEEDS-3e9";
    private const string NoteMarker = "MARK-NOTE-51a";

    private string NewCase(FakeConsent consent)
    {
        var code = $"GATE-{Guid.NewGuid():N}"[..20];
        hub.World.Consents[code] = consent;
        return code;
    }

    private static JsonObject Marked(string caseCode, string serviceType = "specialised-mhpss")
    {
        var body = NadiaReferral(caseCode, serviceType);
        body["child"]!["firstName"] = NameMarker;
        body["child"]!["communicationNeeds"] = NeedsMarker;
        body["caseHistory"] = HistoryMarker;
        return body;
    }

    private async Task<JsonElement> InboxItemAsync(Guid id)
    {
        // Every page: the tests of this class share one hub, so the inbox grows past a page.
        var seen = 0;
        for (var url = "/api/v1/inbox?status=all&limit=100"; ;)
        {
            var inbox = await _providerB.GetFromJsonAsync<JsonElement>(url);
            var found = inbox.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("id").GetGuid() == id).ToList();
            if (found.Count == 1) return found[0];
            seen += inbox.GetProperty("items").GetArrayLength();
            var next = inbox.GetProperty("nextCursor");
            Assert.True(next.ValueKind == JsonValueKind.String, $"referral {id} not among the {seen} of the provider's inbox; {(await GetAsync(_providerB, id)).GetRawText()}");
            url = "/api/v1/inbox?status=all&limit=100&cursor=" + Uri.EscapeDataString(next.GetString()!);
        }
    }

    [Fact]
    public async Task The_providers_summary_before_acceptance_leaves_out_what_the_consent_withholds_and_what_the_profile_does_not_name()
    {
        // Withheld from everyone: sex and communication needs. The profile of specialised MHPSS names both.
        var withholding = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true,
            Withheld: [ReferralItems.ChildSex, ReferralItems.ChildCommunicationNeeds]))));
        // Livelihoods' profile names neither sex, languages nor communication needs (only the caregiver's items).
        hub.World.Services.Add(FakeWorld.Service(Guid.NewGuid(), "agency-b", "livelihoods"));
        var livelihoods = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true)), "livelihoods"));
        var plain = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true))));
        foreach (var id in new[] { withholding, livelihoods, plain }) await WaitForStatusAsync(_referrer, id, "offered");

        var a = await InboxItemAsync(withholding);
        Assert.Equal("15-17", a.GetProperty("ageBand").GetString());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("sex").ValueKind);
        Assert.Equal(JsonValueKind.Null, a.GetProperty("communicationNeeds").ValueKind);
        Assert.Equal("Arabic", a.GetProperty("languages")[0].GetString());
        var aView = await GetAsync(_providerB, withholding);
        Assert.DoesNotContain(NeedsMarker, aView.GetRawText());
        Assert.DoesNotContain("female", aView.GetRawText());

        var b = await InboxItemAsync(livelihoods);
        Assert.Equal(JsonValueKind.Null, b.GetProperty("sex").ValueKind);
        Assert.Empty(b.GetProperty("languages").EnumerateArray());
        Assert.DoesNotContain(NeedsMarker, b.GetRawText());

        var c = await InboxItemAsync(plain);
        Assert.Equal("female", c.GetProperty("sex").GetString());
        Assert.Equal(NeedsMarker, c.GetProperty("communicationNeeds").GetString());

        // Once the provider has decided, the summary is no longer served (it was for the decision only).
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, plain, "decline", new { reason = "no-capacity" })).StatusCode);
        Assert.DoesNotContain(NeedsMarker, (await InboxItemAsync(plain)).GetRawText());
        Assert.DoesNotContain(NeedsMarker, (await GetAsync(_providerB, plain)).GetRawText());
    }

    [Fact]
    public async Task The_inbox_gives_an_accepted_referral_the_childs_initials_only_where_the_release_gives_the_name_and_never_an_offered_one()
    {
        var named = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true))));
        var nameWithheld = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true, Withheld: [ReferralItems.ChildName]))));
        var offered = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true))));
        foreach (var id in new[] { named, nameWithheld, offered }) await WaitForStatusAsync(_referrer, id, "offered");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, named, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, nameWithheld, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, named, "start", new { startedOn = DateTime.UtcNow.ToString("yyyy-MM-dd") })).StatusCode);

        var a = await InboxItemAsync(named);
        var lastName = (await GetAsync(_providerB, named)).GetProperty("payload").GetProperty("child").GetProperty("lastName").GetString()!;
        Assert.Equal($"M. {char.ToUpperInvariant(lastName[0])}.", a.GetProperty("childInitials").GetString()); // first name "MARKNAME"
        Assert.Equal(JsonValueKind.String, a.GetProperty("acceptedAt").ValueKind);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd"), a.GetProperty("serviceStartedOn").GetString());
        Assert.DoesNotContain(NameMarker, a.GetRawText());

        var b = await InboxItemAsync(nameWithheld);
        Assert.Equal(JsonValueKind.Null, b.GetProperty("childInitials").ValueKind); // the consent withheld the name from it
        Assert.Equal(JsonValueKind.String, b.GetProperty("acceptedAt").ValueKind);
        // Still offered: the summary only. (A declined referral is routed on and leaves this inbox; the provider
        // portal test checks its card.)
        var c = await InboxItemAsync(offered);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("childInitials").ValueKind);
        Assert.Equal(JsonValueKind.Null, c.GetProperty("acceptedAt").ValueKind);
        Assert.DoesNotContain(NameMarker, c.GetRawText());
    }

    [Fact]
    public async Task The_caregivers_date_of_birth_and_sex_do_not_go_out_with_the_caregivers_name()
    {
        var id = await SubmitOkAsync(_referrer, Marked(NewCase(new FakeConsent(true))));
        await WaitForStatusAsync(_referrer, id, "offered");

        var accepted = await PostAsync(_providerB, id, "accept");

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var caregiver = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payload").GetProperty("caregiver");
        Assert.Equal("Mohammed", caregiver.GetProperty("firstName").GetString()); // specialised MHPSS names caregiver.name
        Assert.Equal(JsonValueKind.Null, caregiver.GetProperty("dateOfBirth").ValueKind);
        Assert.Equal(JsonValueKind.Null, caregiver.GetProperty("sex").ValueKind);
    }

    [Fact]
    public async Task After_the_consent_is_withdrawn_the_provider_is_told_and_reads_nothing_personal_and_no_note_flows()
    {
        var caseCode = NewCase(new FakeConsent(true));
        var id = await SubmitOkAsync(_referrer, Marked(caseCode));
        await WaitForStatusAsync(_referrer, id, "offered");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_referrer, id, "notes", new { text = NoteMarker })).StatusCode);
        Assert.Contains(NameMarker, (await GetAsync(_providerB, id)).GetRawText());
        Assert.Contains(NoteMarker, await _providerB.GetStringAsync($"/api/v1/referrals/{id}/notes"));

        await hub.Services.GetRequiredService<IBus>().Publish(new ConsentWithdrawn("agency-a", caseCode, Guid.NewGuid(), 2, DateTime.UtcNow));

        var seen = await WaitAsync(async () =>
        {
            var view = await GetAsync(_providerB, id);
            return view.GetProperty("consentWithdrawn").GetBoolean() ? view : null;
        }, "the provider told of the withdrawal");
        Assert.Equal("accepted", seen.GetProperty("status").GetString()); // a service under way is not cancelled by the hub
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("payload").ValueKind);
        Assert.Contains("consent", seen.GetProperty("notice").GetString());
        Assert.DoesNotContain(NameMarker, seen.GetRawText());
        Assert.True((await InboxItemAsync(id)).GetProperty("consentWithdrawn").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _providerB.GetAsync($"/api/v1/referrals/{id}/notes")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(_providerB, id, "notes", new { text = "more" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(_referrer, id, "notes", new { text = "more" })).StatusCode);

        // The referring agency keeps its own record and sees why the release stopped.
        var referrerView = await GetAsync(_referrer, id);
        Assert.True(referrerView.GetProperty("consentWithdrawn").GetBoolean());
        Assert.Contains("consent-withdrawn", referrerView.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("reason").GetString()));
        // The service may still be recorded (dates only), so the caseworker can follow up.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, id, "start", new { startedOn = "2022-09-18" })).StatusCode);
    }

    [Fact]
    public async Task After_a_transfer_the_new_owner_reads_nothing_of_the_referral_form_and_the_sender_keeps_its_record()
    {
        var caseCode = NewCase(new FakeConsent(true, Withheld: [ReferralItems.CaseHistory]));
        var blockedCase = caseCode; // the same case: one referral offered, then a second blocked for another service
        var offered = await SubmitOkAsync(_referrer, Marked(caseCode));
        await WaitForStatusAsync(_referrer, offered, "offered");
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_referrer, offered, "notes", new { text = NoteMarker })).StatusCode);
        hub.World.Consents[blockedCase] = new FakeConsent(false, ConsentDenialReasons.Refused);
        var blocked = await SubmitOkAsync(_referrer, Marked(caseCode));
        await WaitForStatusAsync(_referrer, blocked, "blocked-consent");
        hub.World.Consents[caseCode] = new FakeConsent(true, Withheld: [ReferralItems.CaseHistory]);

        var receivingCaseCode = "D-" + caseCode[2..];
        await hub.Services.GetRequiredService<IBus>().Publish(new CaseResponsibilityTransferred(Guid.NewGuid(), "agency-a", caseCode, "agency-d",
            receivingCaseCode, "caseworker-d", DateTime.UtcNow));
        await WaitAsync(async () =>
        {
            var r = await _newOwner.GetAsync($"/api/v1/referrals/{offered}");
            return r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : null;
        }, "the referral reported to agency-d");

        // A note from the new owner to the provider after the move; the provider accepts under the consent given to agency-a.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(_newOwner, offered, "notes", new { text = "from agency-d" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(_providerB, offered, "accept")).StatusCode);

        foreach (var id in new[] { offered, blocked })
        {
            var view = await GetAsync(_newOwner, id);
            Assert.Equal(receivingCaseCode, view.GetProperty("caseCode").GetString());
            Assert.Equal(JsonValueKind.Null, view.GetProperty("payload").ValueKind);
            Assert.Equal(JsonValueKind.Null, view.GetProperty("summary").ValueKind);
            foreach (var marker in new[] { HistoryMarker, NameMarker, NeedsMarker, NoteMarker, caseCode }) Assert.DoesNotContain(marker, view.GetRawText());
        }
        var ownerNotes = await _newOwner.GetStringAsync($"/api/v1/referrals/{offered}/notes");
        Assert.Contains("from agency-d", ownerNotes);
        Assert.DoesNotContain(NoteMarker, ownerNotes);
        var ownerExport = await _newOwner.GetStringAsync($"/api/v1/cases/{receivingCaseCode}/export");
        foreach (var marker in new[] { HistoryMarker, NameMarker, NeedsMarker, NoteMarker }) Assert.DoesNotContain(marker, ownerExport);
        Assert.Contains(offered.ToString(), ownerExport);

        // The provider still reads only its release: the case history stays withheld.
        var provider = await GetAsync(_providerB, offered);
        Assert.Contains(NameMarker, provider.GetRawText());
        Assert.DoesNotContain(HistoryMarker, provider.GetRawText());

        // The sender's record stays complete in its export (what it sent, up to the move), nothing after it.
        var export = await _referrer.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseCode}/export");
        var exported = export.GetProperty("referrals").EnumerateArray().Select(e => e.GetProperty("referral")).ToList();
        Assert.Equal(new[] { offered, blocked }.Order(), exported.Select(e => e.GetProperty("id").GetGuid()).Order());
        Assert.All(exported, e => Assert.Contains(HistoryMarker, e.GetRawText()));
        var sent = await GetAsync(_referrer, offered);
        Assert.Equal("offered", sent.GetProperty("status").GetString());
        Assert.Equal("case-transferred", sent.GetProperty("reason").GetString());
        Assert.Contains(NoteMarker, await _referrer.GetStringAsync($"/api/v1/referrals/{offered}/notes"));
        Assert.DoesNotContain("from agency-d", await _referrer.GetStringAsync($"/api/v1/referrals/{offered}/notes"));
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(_referrer, offered, "notes", new { text = "still mine?" })).StatusCode);
    }
}
