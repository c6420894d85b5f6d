using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Referrals.Cases;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Referrals;

/// <summary>
/// What the referral service does when a case moves (run embedded and on RabbitMQ + PostgreSQL): the case's open
/// referral now reports to the receiving agency, once; both agencies' notification streams carry every transfer step.
/// </summary>
public static class CaseFollowsTransferFlow
{
    public const string ProviderClient = "agency-b-system";
    public const string ProviderSecret = "agency-b-secret";

    public static async Task OpenReferralReportsToTheReceivingAgencyOnceAsync(TransferHub hub)
    {
        var sender = await hub.SenderAsync();
        var receiver = await hub.ClientAsync(TransferHub.Receiver);
        var provider = await hub.ClientForAsync(ProviderClient, ProviderSecret);
        var caseCode = TransferApi.NewCase();
        var receivingCaseCode = "D-" + caseCode[2..];
        await sender.RecordTransferConsentAsync(caseCode, hub.Clock, sharing: ["mental-health", "case-transfer"]);
        var referralId = await SubmitReferralAsync(sender, caseCode);
        await WaitForReferralAsync(sender, referralId, r => r.GetProperty("status").GetString() == "offered", "offered to agency-b");

        var transferId = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();
        await receiver.ConfirmAsync(transferId).OkAsync("confirm");
        await receiver.PostAsJsonAsync($"/api/v1/transfers/{transferId}/acknowledge", new { receivingCaseCode }).OkAsync("acknowledge");

        // The open referral now reports to the receiving agency, under its case code, without the referral form (it was
        // never released to agency-d); the sender keeps its own record as it stood when the case left.
        var moved = await WaitForReferralAsync(receiver, referralId, r => r.GetProperty("caseCode").GetString() == receivingCaseCode, "reported to agency-d");
        Assert.Equal("offered", moved.GetProperty("status").GetString());
        Assert.DoesNotContain("Hana", moved.GetRawText());
        Assert.DoesNotContain(caseCode, moved.GetRawText());
        var kept = await sender.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{referralId}");
        Assert.Equal("case-transferred", kept.GetProperty("reason").GetString());
        Assert.Equal("Hana", kept.GetProperty("payload").GetProperty("child").GetProperty("firstName").GetString());
        var listed = await receiver.GetFromJsonAsync<JsonElement>($"/api/v1/referrals?caseCode={receivingCaseCode}");
        Assert.Contains(referralId, listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        // The provider still answers it; the release runs under the consent the child gave the referring agency.
        var accepted = await provider.PostAsJsonAsync($"/api/v1/referrals/{referralId}/accept", new { });
        Assert.True(accepted.StatusCode == HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        Assert.Equal("Hana", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payload").GetProperty("child").GetProperty("firstName").GetString());
        var afterAccept = await receiver.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{referralId}");
        Assert.Equal("accepted", afterAccept.GetProperty("status").GetString());
        Assert.Equal(1, afterAccept.GetProperty("releases").GetArrayLength());
        Assert.DoesNotContain("Hana", afterAccept.GetRawText());
        Assert.Equal("offered", (await sender.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{referralId}")).GetProperty("status").GetString());

        // Received once: one inbox entry for the event, one history entry per agency.
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReferralsDbContext>();
        var moves = await db.Changes.AsNoTracking()
            .Where(c => c.ReferralId == referralId && c.Reason == CaseResponsibilityTransferredConsumer.Reason).ToListAsync();
        Assert.Equal(["agency-a", "agency-d"], moves.OrderBy(c => c.Sequence).Select(c => c.AgencyCode).ToArray());
        var message = Assert.Single(await hub.ResponsibilityMessagesAsync(transferId));
        Assert.Equal(1, await db.InboxMessages.CountAsync(m => m.MessageId == message.Id && m.Consumer == typeof(CaseResponsibilityTransferredConsumer).FullName));

        // Both agencies' notification streams (the webhooks' source) carry every step of the transfer, in order.
        foreach (var agency in new[] { "agency-a", "agency-d" })
        {
            var steps = await WaitForTransferNoticesAsync(db, agency, transferId, "acknowledged");
            Assert.Equal(["capacity-requested", "awaiting-consent", "released", "acknowledged"], steps);
        }
    }

    public static JsonObject Referral(string caseCode) => new()
    {
        ["caseCode"] = caseCode,
        ["priority"] = "medium",
        ["serviceType"] = "specialised-mhpss",
        ["areaCode"] = "demo-camp-1",
        ["consent"] = new JsonObject { ["given"] = true },
        ["child"] = new JsonObject { ["firstName"] = "Hana", ["sex"] = "female", ["languages"] = new JsonArray("ar") },
        ["reasonForReferral"] = "Nightmares since the family moved.",
    };

    public static async Task<Guid> SubmitReferralAsync(HttpClient referrer, string caseCode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals") { Content = JsonContent.Create(Referral(caseCode)) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await referrer.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Waits (no duration asserted) until the caller sees the referral in the expected state.</summary>
    public static async Task<JsonElement> WaitForReferralAsync(HttpClient client, Guid id, Func<JsonElement, bool> done, string what)
    {
        string last = "";
        for (var i = 0; i < 600; i++)
        {
            var response = await client.GetAsync($"/api/v1/referrals/{id}");
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode)
            {
                var referral = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (done(referral)) return referral;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"referral {id} never {what}; last answer {last}");
        return default;
    }

    private static async Task<string[]> WaitForTransferNoticesAsync(ReferralsDbContext db, string agency, Guid transferId, string lastStatus)
    {
        string[] steps = [];
        for (var i = 0; i < 600; i++)
        {
            steps = await db.Changes.AsNoTracking()
                .Where(c => c.Kind == ReferralChange.TransferKind && c.AgencyCode == agency && c.TransferId == transferId)
                .OrderBy(c => c.Sequence).Select(c => c.Status).ToArrayAsync();
            if (steps.Contains(lastStatus)) return steps;
            await Task.Delay(100);
        }
        return steps;
    }
}
