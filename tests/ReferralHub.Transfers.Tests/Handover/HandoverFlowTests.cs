using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Handover;

/// <summary>The whole handover: capacity first without personal data, consent, release, acknowledgement (seeds 000, 001, 004).</summary>
public sealed class HandoverFlowTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task No_byte_of_the_package_is_readable_before_capacity_and_consent_then_the_consented_part_is_released()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        var transfer = await sender.RequestAsync(TransferApi.Request(caseCode, summary: new()
        {
            ["child.name"] = "Nadia Example",
            ["child.phone"] = "+100000009999",
            ["caseHistory"] = "Risk of child marriage; weekly follow-up.",
        }));
        var id = transfer.Id();
        var document = new ByteArrayContent(Encoding.UTF8.GetBytes("Case plan of Nadia Example"));
        document.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        var attachment = await sender.PostAsync($"/api/v1/transfers/{id}/attachments?fileName=case-plan.txt&item=caseHistory", document).OkAsync("attach");

        // Capacity request: the receiver sees the non-personal summary only.
        var incoming = await receiver.GetStringAsync("/api/v1/transfers?direction=incoming");
        Assert.Contains(id.ToString(), incoming);
        Assert.Contains("10-14", incoming);
        Assert.DoesNotContain("Nadia", incoming);
        Assert.DoesNotContain("+100000009999", incoming);
        Assert.DoesNotContain(caseCode, incoming); // the sender's case code is the child's previous case code: consent-controlled
        Assert.DoesNotContain(caseCode, await receiver.GetStringAsync($"/api/v1/transfers/{id}"));
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{id}/package/attachments/{attachment.Id()}")).StatusCode);

        // Capacity confirmed, but no consent recorded yet: the consent check runs now and nothing is released.
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock, withholds: [new { item = "child.phone", reason = "fear-of-harm" }]);
        var confirmed = await receiver.ConfirmAsync(id).OkAsync("confirm");
        Assert.Equal("released", confirmed.Status());

        var package = await receiver.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}/package");
        var summary = package.GetProperty("summary");
        Assert.Equal("Nadia Example", summary.GetProperty("child.name").GetString());
        Assert.False(summary.TryGetProperty("child.phone", out _)); // withheld by the child's consent
        Assert.Equal("cw-17", package.GetProperty("receivingCaseworkerId").GetString());
        Assert.Equal(caseCode, package.GetProperty("caseCode").GetString()); // released: the previous case code is not withheld
        Assert.Equal("Family moved to the district centre.", package.GetProperty("reasonText").GetString());
        var file = await receiver.GetByteArrayAsync($"/api/v1/transfers/{id}/package/attachments/{attachment.Id()}");
        Assert.Equal("Case plan of Nadia Example", Encoding.UTF8.GetString(file));

        // The release is recorded: what, to whom, under which consent.
        var releases = (await sender.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}/releases")).GetProperty("items").EnumerateArray().ToArray();
        var release = Assert.Single(releases!);
        Assert.Equal("agency-d", release.GetProperty("recipientAgency").GetString());
        Assert.Equal(1, release.GetProperty("consentVersion").GetInt32());
        Assert.Equal(["caseHistory", "child.name"], release.GetProperty("items").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(["child.phone"], release.GetProperty("withheldItems").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // The sending agency never reads the package back through the receiver's endpoint; a third agency sees nothing.
        var outsider = await _hub.ClientAsync(TransferHub.Outsider);
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/v1/transfers/{id}")).StatusCode);
    }

    [Fact]
    public async Task The_previous_case_code_and_the_reason_text_follow_the_withholds()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode, summary: new() { ["child.name"] = "Nadia Example" }))).Id();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock, withholds:
        [
            new { item = "child.previousCaseCode", reason = "fear-of-harm" },
            new { item = "reasonForReferral", reason = "wants-to-tell-themselves" },
        ]);
        Assert.Equal("released", (await receiver.ConfirmAsync(id).OkAsync("confirm")).Status());

        var package = await receiver.GetStringAsync($"/api/v1/transfers/{id}/package");

        Assert.Contains("Nadia Example", package);
        Assert.DoesNotContain(caseCode, package);
        Assert.DoesNotContain("Family moved", package);

        // Acknowledged without a code of its own: the receiver's case gets a fresh code, not the withheld one, and its
        // case record does not keep the sender's code either.
        var acknowledged = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { }).OkAsync("acknowledge");
        Assert.DoesNotContain(caseCode, acknowledged.GetRawText());
        var received = await _hub.ReceivedCaseAsync(id);
        Assert.Null(received.PreviousCaseCode);
        Assert.NotEqual(caseCode, received.CaseCode);
        Assert.Equal("agency-a", received.PreviousAgency);
    }

    [Fact]
    public async Task Consent_denied_stops_the_transfer_and_releases_nothing()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        // Consent for a service, but not the form's "Case Transfer" box.
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock, sharing: ["psychosocial-support"]);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode, summary: new() { ["child.name"] = "Secret Name" }))).Id();

        var answered = await receiver.ConfirmAsync(id).OkAsync("confirm");

        Assert.Equal("consent-denied", answered.Status());
        Assert.Equal("refused", answered.GetProperty("consentDenialReason").GetString());
        var package = await receiver.GetAsync($"/api/v1/transfers/{id}/package");
        Assert.Equal(HttpStatusCode.Conflict, package.StatusCode);
        Assert.DoesNotContain("Secret Name", await package.Content.ReadAsStringAsync());
        Assert.Empty((await sender.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}/releases")).GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { })).StatusCode);
    }

    [Fact]
    public async Task Acknowledgement_is_idempotent_moves_responsibility_once_and_closes_the_senders_case()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();
        await receiver.ConfirmAsync(id).OkAsync("confirm");

        var acknowledgements = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { receivingCaseCode = "D-" + caseCode[2..] }).OkAsync("acknowledge")));
        var again = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { receivingCaseCode = "D-" + caseCode[2..] }).OkAsync("acknowledge again");

        Assert.All(acknowledgements, a => Assert.Equal("acknowledged", a.Status()));
        Assert.Equal("acknowledged", again.Status());
        Assert.Equal("D-" + caseCode[2..], again.GetProperty("receivingCaseCode").GetString());
        Assert.Equal(caseCode, (await _hub.ReceivedCaseAsync(id)).PreviousCaseCode); // released (not withheld): the record keeps it
        var published = await _hub.ResponsibilityMessagesAsync(id);
        var message = Assert.Single(published);
        Assert.NotNull(message.SentAt); // handed to the bus, once
        Assert.Contains("\"receivingAgency\":\"agency-d\"", message.Body);
        Assert.DoesNotContain("Nadia", message.Body);

        // Responsibility moved: the sender can neither withdraw nor transfer the closed case again.
        Assert.Equal(HttpStatusCode.Conflict, (await sender.PostAsync($"/api/v1/transfers/{id}/withdraw", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await sender.PostAsJsonAsync("/api/v1/transfers", TransferApi.Request(caseCode))).StatusCode);
        var feed = await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers/changes");
        var steps = feed.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("transferId").GetGuid() == id).Select(c => c.GetProperty("status").GetString()!).ToArray();
        Assert.Equal(["capacity-requested", "awaiting-consent", "released", "acknowledged"], steps);
    }
}
