using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReferralHub.Transfers.Tests.Infrastructure;
using ReferralHub.Transfers.Tests.Referrals;

namespace ReferralHub.Transfers.Tests.WholeLife;

/// <summary>
/// The whole life of one case (seed 000's girl: consent for mental health and case transfer only; she withholds her
/// case history from everyone because she wants to tell it herself), with a distinctive marker in every personal field:
/// four referrals (accepted, declined, blocked, withdrawn), a note, a transfer with summary, reason and a document,
/// the acknowledgement, then the withdrawal of her consent. At each moment every party reads every REST endpoint it may
/// call (referrals, inbox, notes, case exports, transfers, package and its document, consent, turnaround figures),
/// every FHIR resource the facade serves it (ServiceRequest, Task and its search, Consent) and, for the people of its
/// agency, every portal page (plain HTTP, signed in with the person's cookie), and the test asserts which markers each
/// may read then. Run embedded and on RabbitMQ + PostgreSQL; the hub must serve on Kestrel (<see cref="TransferHub.OnKestrel"/>).
/// </summary>
public static class WholeLifeFlow
{
    // Markers: one per personal field, unlikely to appear anywhere by chance.
    private const string Name = "ZQNAMEMARK";
    private const string History = "ZQHISTMARK";
    private const string Reason = "ZQREASONMARK";
    private const string Caregiver = "ZQCAREMARK";
    private const string Note = "ZQNOTEMARK";
    private const string WithholdReason = "ZQWITHHOLDMARK";
    private const string TransferName = "ZQTNAMEMARK";
    private const string TransferHistory = "ZQTHISTMARK";
    private const string TransferReason = "ZQTREASONMARK";
    private const string Document = "ZQDOCMARK";

    private static readonly string[] ReferralMarkers = [Name, History, Reason, Caregiver, Note];
    private static readonly string[] All = [Name, History, Reason, Caregiver, Note, WithholdReason, TransferName, TransferHistory, TransferReason, Document];

    /// <summary>A party: its API client (REST and FHIR with the same token) and the portal sessions of its agency's people.</summary>
    private sealed record Party(string Label, HttpClient Client, params HttpClient[] Portal);

    /// <summary>What one party read at one moment, by channel ("rest", "fhir", "portal").</summary>
    private sealed record Reads(Dictionary<string, StringBuilder> ByChannel)
    {
        public string All => string.Concat(ByChannel.Values.Select(v => v.ToString()));

        public string this[string channel] => ByChannel[channel].ToString();
    }

    private sealed class Life
    {
        public required string CaseCode { get; init; }
        public required string ReceivingCaseCode { get; init; }
        public List<Guid> Referrals { get; } = [];
        public Guid? TransferId { get; set; }
        public Guid? AttachmentId { get; set; }
    }

    public static async Task RunAsync(TransferHub hub)
    {
        // The demo portal people (README, "Demo portal users") read the portal as part of their agency's party.
        var a = new Party("agency-a (referrer)", await hub.SenderAsync(), await PortalSessionAsync(hub, "admin@agency-a.demo"));
        var s = new Party("agency-a supervisor", await hub.ClientAsync(TransferHub.Supervisor2), await PortalSessionAsync(hub, "supervisor@agency-a.demo"));
        var b = new Party("agency-b (provider)", await hub.ClientForAsync(CaseFollowsTransferFlow.ProviderClient, CaseFollowsTransferFlow.ProviderSecret),
            await PortalSessionAsync(hub, "provider@agency-b.demo"));
        var d = new Party("agency-d (receiver)", await hub.ClientAsync(TransferHub.Receiver), await PortalSessionAsync(hub, "casework@agency-d.demo"));
        var c = new Party("agency-c (outsider)", await hub.ClientAsync(TransferHub.Outsider));
        var coordinator = new Party("coordinator", await hub.ClientForAsync("coordinator-system", "coordinator-secret"),
            await PortalSessionAsync(hub, "coordinator@cluster.demo"));
        Party[] everyone = [a, s, b, d, c, coordinator];
        var life = new Life { CaseCode = TransferApi.NewCase(), ReceivingCaseCode = "D-" + Guid.NewGuid().ToString("N")[..12] };

        // Her consent: mental health and case transfer; the case history withheld from everyone, with a reason in her words.
        var consent = await a.Client.PostAsJsonAsync("/api/v1/consents", new Dictionary<string, object?>
        {
            ["caseCode"] = life.CaseCode, ["givenBy"] = "child-consent",
            ["givenOn"] = DateOnly.FromDateTime(hub.Clock.GetUtcNow().UtcDateTime).AddDays(-1).ToString("yyyy-MM-dd"),
            ["participateInCaseManagement"] = true, ["collectAndStore"] = true, ["sharing"] = new[] { "mental-health", "case-transfer" },
            ["oneOff"] = false, ["validUntil"] = hub.Clock.GetUtcNow().AddDays(180),
            ["withholds"] = new[] { new { item = "caseHistory", reason = "wants-to-tell-themselves", reasonText = WithholdReason } },
        });
        Assert.True(consent.IsSuccessStatusCode, await consent.Content.ReadAsStringAsync());

        // Four referrals: accepted, declined, blocked (a service she did not consent to), withdrawn.
        var accepted = await SubmitAsync(a.Client, life, "specialised-mhpss");
        var declined = await SubmitAsync(a.Client, life, "specialised-mhpss");
        var blocked = await SubmitAsync(a.Client, life, "basic-psychosocial-support"); // consent names mental health only
        var withdrawn = await SubmitAsync(a.Client, life, "specialised-mhpss");
        foreach (var id in new[] { accepted, declined, withdrawn }) await StatusAsync(a.Client, id, "offered");
        await StatusAsync(a.Client, blocked, "blocked-consent");

        // Moment 0: offered, nothing answered yet. The provider's inbox and summary (REST, FHIR Task, portal) carry no
        // personal field: the name, reason and history travel only with an accepted release.
        var m0 = await ReadAllAsync(everyone, life, "referrals offered");
        Expect(m0, a, [Name, History, Reason, Caregiver, WithholdReason]);
        Expect(m0, s, [Name, History, Reason, Caregiver, WithholdReason]);
        Expect(m0, b, []);
        Expect(m0, d, []);
        Expect(m0, c, []);
        Expect(m0, coordinator, []);
        (await b.Client.PostAsJsonAsync($"/api/v1/referrals/{accepted}/accept", new { })).EnsureSuccessStatusCode();
        (await b.Client.PostAsJsonAsync($"/api/v1/referrals/{declined}/decline", new { reason = "no-capacity" })).EnsureSuccessStatusCode();
        (await a.Client.PostAsJsonAsync($"/api/v1/referrals/{withdrawn}/withdraw", new { reason = "no-longer-needed" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await a.Client.PostAsJsonAsync($"/api/v1/referrals/{accepted}/notes", new { text = Note })).StatusCode);

        // Moment 1: referrals answered. The provider reads its release (never the withheld history) and the note.
        var m1 = await ReadAllAsync(everyone, life, "referrals answered");
        Expect(m1, a, [Name, History, Reason, Caregiver, Note, WithholdReason]);
        Expect(m1, s, [Name, History, Reason, Caregiver, Note, WithholdReason]); // the agency's supervisor reads its own case
        Expect(m1, b, [Name, Reason, Caregiver, Note]);
        Expect(m1, d, []);
        Expect(m1, c, []);
        Expect(m1, coordinator, []);
        // The FHIR facade and the portal serve the provider its release too (so their reads above are real reads).
        Assert.Contains(Name, m1[b]["fhir"]);
        Assert.Contains(Name, m1[b]["portal"]);
        Assert.DoesNotContain(History, m1[b]["fhir"] + m1[b]["portal"]);

        // The transfer: summary (name released, history withheld), reason text, a document.
        var transfer = await a.Client.RequestAsync(WithReasonText(
            TransferApi.Request(life.CaseCode, summary: new() { ["child.name"] = TransferName, ["caseHistory"] = TransferHistory }), TransferReason));
        life.TransferId = transfer.Id();
        var document = new ByteArrayContent(Encoding.UTF8.GetBytes($"Case plan {Document}"));
        document.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        life.AttachmentId = (await a.Client.PostAsync($"/api/v1/transfers/{life.TransferId}/attachments?fileName=plan.txt&item=child.name", document)
            .OkAsync("attach")).Id();

        // Moment 2: capacity requested: nothing personal and not the sender's case code reaches the receiver.
        var m2 = await ReadAllAsync(everyone, life, "transfer requested");
        Expect(m2, d, []);
        Assert.DoesNotContain(life.CaseCode, m2[d].All);
        Expect(m2, b, [Name, Reason, Caregiver, Note]);

        await d.Client.ConfirmAsync(life.TransferId.Value).OkAsync("confirm");
        await d.Client.PostAsJsonAsync($"/api/v1/transfers/{life.TransferId}/acknowledge", new { receivingCaseCode = life.ReceivingCaseCode }).OkAsync("acknowledge");
        await CaseFollowsTransferFlow.WaitForReferralAsync(d.Client, accepted, r => r.GetProperty("caseCode").GetString() == life.ReceivingCaseCode, "moved to agency-d");

        // Moment 3: acknowledged. The receiver reads the released package only; the referrals that followed the case
        // (accepted, blocked, declined) carry nothing of the referral form to it. The sender's record stays complete.
        var m3 = await ReadAllAsync(everyone, life, "transfer acknowledged");
        Expect(m3, d, [TransferName, TransferReason, Document]);
        Expect(m3, a, [Name, History, Reason, Caregiver, Note, WithholdReason]);
        Expect(m3, b, [Name, Reason, Caregiver, Note]);
        Expect(m3, c, []);
        Expect(m3, coordinator, []);
        Assert.Contains(TransferName, m3[d]["portal"]); // the receiver's caseworker reads the package in the portal
        Assert.Contains(Document, m3[d]["portal"]);

        // Her consent is withdrawn: nothing personal of the referral is served to the provider any more.
        (await a.Client.PostAsJsonAsync($"/api/v1/consents/{life.CaseCode}/withdraw", new { })).EnsureSuccessStatusCode();
        await CaseFollowsTransferFlow.WaitForReferralAsync(b.Client, accepted, r => r.GetProperty("consentWithdrawn").GetBoolean(), "told of the withdrawal");

        // Moment 4: withdrawn.
        var m4 = await ReadAllAsync(everyone, life, "consent withdrawn");
        Expect(m4, b, []);
        Expect(m4, c, []);
        Expect(m4, coordinator, []);
        // The receiver acknowledged before the withdrawal: the case is its own now, so the package it received stays its
        // case file (docs/data-protection.md); nothing of the referrals reaches it.
        Expect(m4, d, [TransferName, TransferReason, Document]);
        Assert.Contains(Name, m4[a].All); // the agency's own record of what it sent stays readable to it (the child's export)
    }

    private static object WithReasonText(object request, string reasonText)
    {
        var node = JsonSerializer.SerializeToNode(request)!.AsObject();
        node["reasonText"] = reasonText;
        return node;
    }

    private static async Task<Guid> SubmitAsync(HttpClient referrer, Life life, string serviceType)
    {
        var body = new JsonObject
        {
            ["caseCode"] = life.CaseCode, ["priority"] = "medium", ["serviceType"] = serviceType, ["areaCode"] = "demo-camp-1",
            ["consent"] = new JsonObject { ["given"] = true },
            ["child"] = new JsonObject { ["firstName"] = Name, ["sex"] = "female", ["languages"] = new JsonArray("ar") },
            ["caregiver"] = new JsonObject { ["firstName"] = Caregiver, ["relationship"] = "Mother" },
            ["reasonForReferral"] = Reason,
            ["caseHistory"] = History,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await referrer.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        life.Referrals.Add(id);
        return id;
    }

    private static Task<JsonElement> StatusAsync(HttpClient referrer, Guid id, string status) =>
        CaseFollowsTransferFlow.WaitForReferralAsync(referrer, id, r => r.GetProperty("status").GetString() == status, status);

    /// <summary>Everything each party can read now, from every endpoint it may call (REST, FHIR, portal pages).</summary>
    private static async Task<Dictionary<Party, Reads>> ReadAllAsync(Party[] parties, Life life, string moment)
    {
        var texts = new Dictionary<Party, Reads>();
        foreach (var party in parties)
        {
            var reads = new Reads(new() { ["rest"] = new(), ["fhir"] = new(), ["portal"] = new() });
            async Task Read(HttpClient client, string channel, string url)
            {
                using var response = await client.GetAsync(url);
                Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{party.Label} at '{moment}': 500 from {url}");
                // The address names the sender's case code: keep it out of what the party read.
                reads.ByChannel[channel].Append(url.Replace(life.CaseCode, "{sender-case}", StringComparison.Ordinal)).Append(' ')
                    .Append((int)response.StatusCode).Append(' ').AppendLine(await response.Content.ReadAsStringAsync());
            }
            Task Rest(string url) => Read(party.Client, "rest", url);
            Task Fhir(string url) => Read(party.Client, "fhir", url);

            foreach (var id in life.Referrals)
            {
                await Rest($"/api/v1/referrals/{id}");
                await Rest($"/api/v1/referrals/{id}/notes");
                await Fhir($"/fhir/ServiceRequest/{id}");
                await Fhir($"/fhir/Task/{id}");
            }
            await Rest("/api/v1/referrals");
            await Rest("/api/v1/referrals/changes");
            await Rest("/api/v1/inbox");
            await Rest($"/api/v1/cases/{life.CaseCode}/export");
            await Rest($"/api/v1/cases/{life.ReceivingCaseCode}/export");
            await Rest($"/api/v1/consents/{life.CaseCode}");
            await Rest("/api/v1/transfers");
            await Rest("/api/v1/transfers/changes");
            await Rest("/api/v1/metrics/turnaround");
            await Fhir("/fhir/Task");
            await Fhir("/fhir/ServiceRequest");
            await Fhir($"/fhir/Consent/{life.CaseCode}");
            await Fhir($"/fhir/Consent/{life.ReceivingCaseCode}");
            if (life.TransferId is { } transferId)
            {
                await Rest($"/api/v1/transfers/{transferId}");
                await Rest($"/api/v1/transfers/{transferId}/package");
                await Rest($"/api/v1/transfers/{transferId}/releases");
                await Rest($"/api/v1/transfers/{transferId}/package/attachments/{life.AttachmentId}");
            }
            // Every page of the portal, for each person of the party (a page outside the person's role answers the
            // portal's refusal, which is read too).
            foreach (var person in party.Portal)
            {
                foreach (var page in PortalPages)
                    await Read(person, "portal", page);
                foreach (var id in life.Referrals)
                    await Read(person, "portal", $"/referrals/{id}");
                if (life.TransferId is { } transfer)
                {
                    await Read(person, "portal", $"/transfers/{transfer}");
                    await Read(person, "portal", $"/transfers/{transfer}?handler=Document&documentId={life.AttachmentId}");
                }
            }
            texts[party] = reads;
        }
        return texts;
    }

    private static readonly string[] PortalPages =
        ["/", "/referrals", "/transfers", "/notifications", "/supervisor", "/turnaround", "/turnaround/stale", "/agency/notices", "/agency/users"];

    /// <summary>
    /// Signs a demo person in to the portal with plain HTTP, at the gateway's sign-in page (the shared helper
    /// PeopleSignIn.SignInToPortalAsync; the session cookies kept by the handler): the pages are then read exactly as a
    /// browser would load them, without one.
    /// </summary>
    private static async Task<HttpClient> PortalSessionAsync(TransferHub hub, string email)
    {
        var cookies = new CookieContainer();
        using (var browser = ReferralHub.Testing.PeopleSignIn.SocketBrowser(hub.BaseAddress, cookies))
        {
            using var signedIn = await ReferralHub.Testing.PeopleSignIn.SignInToPortalAsync(browser, hub.BaseAddress, email, ReferralHub.Gateway.Accounts.DemoPeople.Password);
            var page = await signedIn.Content.ReadAsStringAsync();
            Assert.True(signedIn.IsSuccessStatusCode && !page.Contains("name=\"password\"", StringComparison.Ordinal),
                $"{email} signs in to the portal: {(int)signedIn.StatusCode} {signedIn.RequestMessage?.RequestUri}");
        }
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true }) { BaseAddress = hub.BaseAddress };
    }

    /// <summary>Exactly the <paramref name="readable"/> markers appear in what the party read; every other one is absent.</summary>
    private static void Expect(Dictionary<Party, Reads> read, Party party, string[] readable)
    {
        foreach (var marker in All)
        {
            var seen = read[party].All.Contains(marker, StringComparison.Ordinal);
            if (readable.Contains(marker))
                Assert.True(seen, $"{party.Label} should read {marker} now but does not");
            else
                Assert.False(seen, $"{party.Label} reads {marker} although it may not: {Excerpt(read[party].All, marker)}");
        }
    }

    /// <summary>The address that answered the marker (its line starts with '/') and the text around the marker.</summary>
    private static string Excerpt(string text, string marker)
    {
        var at = Math.Max(text.IndexOf(marker, StringComparison.Ordinal), 0);
        var url = text.LastIndexOf("\n/", at, StringComparison.Ordinal) + 1;
        var from = Math.Max(url, at - 200);
        return text.Substring(url, Math.Min(120, text.Length - url)).Split('\n')[0] + " … " + text.Substring(from, Math.Min(400, text.Length - from));
    }
}
