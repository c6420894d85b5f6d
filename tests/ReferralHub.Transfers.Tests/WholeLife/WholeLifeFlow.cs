using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralHub.Transfers.Tests.Infrastructure;
using ReferralHub.Transfers.Tests.Referrals;

namespace ReferralHub.Transfers.Tests.WholeLife;

/// <summary>
/// The whole life of one case (seed 000's girl: consent for mental health and case transfer only; she withholds her
/// case history from everyone because she wants to tell it herself), with a distinctive marker in every personal field:
/// four referrals (accepted, declined, blocked, withdrawn), a note, a transfer with summary, reason and a document,
/// the acknowledgement, then the withdrawal of her consent. At each moment every party reads every REST endpoint it may
/// call (referrals, inbox, notes, case exports, transfers, package and its document, consent, turnaround figures) and
/// the test asserts which markers each may read then. Run embedded and on RabbitMQ + PostgreSQL.
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

    private sealed record Party(string Label, HttpClient Client);

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
        var a = new Party("agency-a (referrer)", await hub.SenderAsync());
        var s = new Party("agency-a supervisor", await hub.ClientAsync(TransferHub.Supervisor2));
        var b = new Party("agency-b (provider)", await hub.ClientForAsync(CaseFollowsTransferFlow.ProviderClient, CaseFollowsTransferFlow.ProviderSecret));
        var d = new Party("agency-d (receiver)", await hub.ClientAsync(TransferHub.Receiver));
        var c = new Party("agency-c (outsider)", await hub.ClientAsync(TransferHub.Outsider));
        var coordinator = new Party("coordinator", await hub.ClientForAsync("coordinator-system", "coordinator-secret"));
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
        Assert.DoesNotContain(life.CaseCode, m2[d]);
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

        // Her consent is withdrawn: nothing personal of the referral is served to the provider any more.
        (await a.Client.PostAsJsonAsync($"/api/v1/consents/{life.CaseCode}/withdraw", new { })).EnsureSuccessStatusCode();
        await CaseFollowsTransferFlow.WaitForReferralAsync(b.Client, accepted, r => r.GetProperty("consentWithdrawn").GetBoolean(), "told of the withdrawal");

        // Moment 4: withdrawn.
        var m4 = await ReadAllAsync(everyone, life, "consent withdrawn");
        Expect(m4, b, []);
        Expect(m4, c, []);
        Expect(m4, coordinator, []);
        foreach (var marker in ReferralMarkers) Assert.DoesNotContain(marker, m4[d]);
        Assert.Contains(Name, m4[a]); // the agency's own record of what it sent stays readable to it (the child's export)
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

    /// <summary>Everything each party can read now, from every endpoint it may call, as one text per party.</summary>
    private static async Task<Dictionary<Party, string>> ReadAllAsync(Party[] parties, Life life, string moment)
    {
        var texts = new Dictionary<Party, string>();
        foreach (var party in parties)
        {
            var text = new StringBuilder();
            async Task Read(string url)
            {
                using var response = await party.Client.GetAsync(url);
                Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{party.Label} at '{moment}': 500 from {url}");
                // The address names the sender's case code: keep it out of what the party read.
                text.Append(url.Replace(life.CaseCode, "{sender-case}", StringComparison.Ordinal)).Append(' ').Append((int)response.StatusCode).Append(' ').AppendLine(await response.Content.ReadAsStringAsync());
            }
            foreach (var id in life.Referrals)
            {
                await Read($"/api/v1/referrals/{id}");
                await Read($"/api/v1/referrals/{id}/notes");
            }
            await Read("/api/v1/referrals");
            await Read("/api/v1/referrals/changes");
            await Read("/api/v1/inbox");
            await Read($"/api/v1/cases/{life.CaseCode}/export");
            await Read($"/api/v1/cases/{life.ReceivingCaseCode}/export");
            await Read($"/api/v1/consents/{life.CaseCode}");
            await Read("/api/v1/transfers");
            await Read("/api/v1/transfers/changes");
            await Read("/api/v1/metrics/turnaround");
            if (life.TransferId is { } transferId)
            {
                await Read($"/api/v1/transfers/{transferId}");
                await Read($"/api/v1/transfers/{transferId}/package");
                await Read($"/api/v1/transfers/{transferId}/releases");
                await Read($"/api/v1/transfers/{transferId}/package/attachments/{life.AttachmentId}");
            }
            texts[party] = text.ToString();
        }
        return texts;
    }

    /// <summary>Exactly the <paramref name="readable"/> markers appear in what the party read; every other one is absent.</summary>
    private static void Expect(Dictionary<Party, string> read, Party party, string[] readable)
    {
        foreach (var marker in All)
        {
            var seen = read[party].Contains(marker, StringComparison.Ordinal);
            if (readable.Contains(marker))
                Assert.True(seen, $"{party.Label} should read {marker} now but does not");
            else
                Assert.False(seen, $"{party.Label} reads {marker} although it may not: {Excerpt(read[party], marker)}");
        }
    }

    private static string Excerpt(string text, string marker)
    {
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        var lineStart = text.LastIndexOf('\n', Math.Max(at, 0)) + 1;
        return text.Substring(lineStart, Math.Min(300, text.Length - lineStart));
    }
}
