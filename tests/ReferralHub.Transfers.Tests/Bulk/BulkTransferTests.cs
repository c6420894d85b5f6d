using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Bulk;

/// <summary>
/// Whole caseload transfer when an agency leaves an area (seed 004), with the consent review of every case file
/// (seed 001: "a review of all case files to confirm consent on sharing information").
/// </summary>
public sealed class BulkTransferTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_mixed_caseload_of_1000_is_reviewed_correctly_and_a_rerun_creates_nothing()
    {
        var sender = await _hub.SenderAsync();
        var prefix = Guid.NewGuid().ToString("N")[..6];
        string Code(string kind, int i) => $"B{prefix}-{kind}-{i}";
        var consented = Enumerable.Range(0, 400).Select(i => Code("ok", i)).ToList();
        var refused = Enumerable.Range(0, 100).Select(i => Code("ref", i)).ToList();
        var withdrawn = Enumerable.Range(0, 100).Select(i => Code("wd", i)).ToList();
        var none = Enumerable.Range(0, 350).Select(i => Code("none", i)).ToList();
        var elsewhere = Enumerable.Range(0, 50).Select(i => Code("camp", i)).ToList();

        await Parallel.ForEachAsync(consented.Concat(refused).Concat(withdrawn), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (code, _) =>
        {
            await sender.RecordTransferConsentAsync(code, _hub.Clock, sharing: code.Contains("-ref-") ? ["psychosocial-support"] : ["case-transfer"]);
            if (code.Contains("-wd-")) (await sender.PostAsync($"/api/v1/consents/{code}/withdraw", null)).EnsureSuccessStatusCode();
        });

        object Case(string code, string area) => new { caseCode = code, areaCode = area, ageBand = "10-14", sex = "male", riskLevel = "medium", protectionConcerns = new[] { "neglect" }, languages = new[] { "so" } };
        var cases = consented.Concat(refused).Concat(withdrawn).Concat(none).Select(c => Case(c, "demo-district"))
            .Concat(elsewhere.Select(c => Case(c, "demo-camp-1")))
            .OrderBy(_ => Random.Shared.Next()).ToList();
        var body = new { reason = "agency-leaving-area", urgency = "medium", cases, receivers = new[] { new { areaCode = "demo-district", agency = "agency-d" } } };

        // A caseload transfer is a supervisor's decision (the caseworker system holds no supervisor role: four eyes).
        var supervisor = await _hub.ClientAsync(TransferHub.Supervisor2);
        var first = await RunAsync(supervisor, body, "leave-1");
        var sameKey = await Submit(supervisor, body, "leave-1").OkAsync("same key");
        var rerun = await RunAsync(supervisor, body, "leave-2");

        Assert.Equal(1000, first.GetProperty("total").GetInt32());
        Assert.Equal(1000, first.GetProperty("processed").GetInt32());
        var outcomes = Outcomes(first);
        Assert.Equal(400, outcomes["proceeding"]);
        Assert.Equal(450, outcomes["no-consent"]);
        Assert.Equal(100, outcomes["consent-withdrawn"]);
        Assert.Equal(50, outcomes["no-receiver"]);
        var proceeding = first.GetProperty("proceeding").EnumerateArray().Select(p => p.GetProperty("caseCode").GetString()!).ToHashSet();
        Assert.True(proceeding.SetEquals(consented));
        var listed = first.GetProperty("notHandedOver").EnumerateArray().ToList();
        Assert.All(listed, l => Assert.False(string.IsNullOrEmpty(l.GetProperty("action").GetString())));
        Assert.All(listed, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("transferId").ValueKind));
        Assert.Equal(first.GetProperty("id").GetGuid(), sameKey.GetProperty("id").GetGuid());

        // The rerun finds every proceeding case already transferring and creates no second transfer.
        var again = Outcomes(rerun);
        Assert.Equal(400, again["already-transferring"]);
        Assert.Equal(450, again["no-consent"]);
        Assert.Equal(100, again["consent-withdrawn"]);
        Assert.False(again.ContainsKey("proceeding"));
        var outgoing = (await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers?direction=outgoing&limit=500")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(400, outgoing.Length);
        Assert.All(outgoing, t => Assert.Equal("capacity-requested", t.Status())); // each still starts with the capacity check
    }

    private static Task<HttpResponseMessage> Submit(HttpClient client, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers/bulk") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, object body, string key)
    {
        var submitted = await Submit(client, body, key);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var i = 0; i < 1200; i++)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/bulk/{id}");
            if (job.GetProperty("status").GetString() == "completed") return job;
            await Task.Delay(250);
        }
        Assert.Fail($"bulk job {id} did not complete");
        return default;
    }

    private static Dictionary<string, int> Outcomes(JsonElement job) =>
        job.GetProperty("outcomes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
}
