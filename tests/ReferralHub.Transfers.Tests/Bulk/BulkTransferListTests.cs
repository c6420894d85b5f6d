using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Bulk;

/// <summary>
/// GET /api/v1/transfers/bulk: a supervisor finds the agency's caseload transfer jobs and their reports without typing
/// an id: newest first, paged like every list, with the outcome counts; only the agency's own jobs, only for a
/// supervisor or agency admin.
/// </summary>
public sealed class BulkTransferListTests : IAsyncLifetime
{
    private const string OtherSupervisor = "agency-d-supervisor";

    private readonly TransferHub _hub = new();

    public BulkTransferListTests()
    {
        // A supervisor of another agency (agency D), to see that the list is the caller's agency's only.
        _hub.Settings["Auth:Clients:3:ClientId"] = OtherSupervisor;
        _hub.Settings["Auth:Clients:3:ClientSecret"] = TransferHub.Secret;
        _hub.Settings["Auth:Clients:3:Agency"] = "agency-d";
        _hub.Settings["Auth:Clients:3:Roles:0"] = "supervisor";
    }

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_supervisor_lists_the_agencys_jobs_newest_first_a_page_at_a_time_with_their_outcomes()
    {
        var sender = await _hub.SenderAsync();
        var supervisor = await _hub.ClientAsync(TransferHub.Supervisor2);
        var prefix = Guid.NewGuid().ToString("N")[..6];
        await sender.RecordTransferConsentAsync($"L{prefix}-ok", _hub.Clock);

        var first = await RunAsync(supervisor, Body($"L{prefix}-ok", $"L{prefix}-none"), "list-1");
        _hub.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await RunAsync(supervisor, Body($"L{prefix}-two"), "list-2");

        var page1 = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/transfers/bulk?limit=1");
        var newest = Assert.Single(page1.GetProperty("items").EnumerateArray());
        Assert.Equal(second, newest.GetProperty("id").GetGuid());
        Assert.Equal("completed", newest.GetProperty("status").GetString());
        Assert.Equal("agency-leaving-area", newest.GetProperty("reason").GetString());
        Assert.Equal(1, newest.GetProperty("total").GetInt32());
        Assert.Equal(1, newest.GetProperty("outcomes").GetProperty("no-consent").GetInt32());
        var receiver = Assert.Single(newest.GetProperty("receivers").EnumerateArray());
        Assert.Equal("demo-district", receiver.GetProperty("areaCode").GetString());
        Assert.Equal("agency-d", receiver.GetProperty("agency").GetString());
        Assert.False(newest.TryGetProperty("proceeding", out _), "the list carries counts, not the cases");

        var cursor = page1.GetProperty("nextCursor").GetString()!;
        var page2 = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/bulk?limit=1&cursor={Uri.EscapeDataString(cursor)}");
        var older = Assert.Single(page2.GetProperty("items").EnumerateArray());
        Assert.Equal(first, older.GetProperty("id").GetGuid());
        Assert.Equal(1, older.GetProperty("outcomes").GetProperty("proceeding").GetInt32());
        Assert.Equal(1, older.GetProperty("outcomes").GetProperty("no-consent").GetInt32());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextCursor").ValueKind);

        // Another agency's supervisor sees none of them; systems without the supervisor role are refused.
        var other = await (await _hub.ClientAsync(OtherSupervisor)).GetFromJsonAsync<JsonElement>("/api/v1/transfers/bulk");
        Assert.Empty(other.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync("/api/v1/transfers/bulk")).StatusCode);

        // A cursor this API did not give is a 400 naming the field.
        var bad = await supervisor.GetAsync("/api/v1/transfers/bulk?cursor=nonsense");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("cursor", (await bad.Content.ReadFromJsonAsync<JsonElement>()).ErrorFields());
    }

    private static object Body(params string[] codes) => new
    {
        reason = "agency-leaving-area",
        urgency = "medium",
        cases = codes.Select(c => new { caseCode = c, areaCode = "demo-district", ageBand = "10-14", sex = "female", riskLevel = "medium" }).ToArray(),
        receivers = new[] { new { areaCode = "demo-district", agency = "agency-d" } },
    };

    private static async Task<Guid> RunAsync(HttpClient client, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers/bulk") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        var submitted = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var i = 0; i < 1200; i++) // a hang guard, not a speed check
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/bulk/{id}");
            if (job.GetProperty("status").GetString() == "completed") return id;
            await Task.Delay(100);
        }
        Assert.Fail($"bulk job {id} did not complete");
        return id;
    }
}
