using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Requests;

/// <summary>Bad requests get problem details naming the field, and nothing is stored.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    private static async Task<IEnumerable<string>> FieldsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).ErrorFields();

    [Fact]
    public async Task Unknown_or_unsuitable_receivers_own_agency_and_bad_fields_are_refused()
    {
        var sender = await _hub.SenderAsync();
        var caseCode = TransferApi.NewCase();

        var own = await sender.PostAsJsonAsync("/api/v1/transfers", TransferApi.Request(caseCode, "agency-a"));
        var unknownAgency = await sender.PostAsJsonAsync("/api/v1/transfers", TransferApi.Request(caseCode, "agency-zz"));
        var notCaseManagement = await sender.PostAsJsonAsync("/api/v1/transfers", TransferApi.Request(caseCode, "agency-b"));
        var unknownArea = await sender.PostAsJsonAsync("/api/v1/transfers", TransferApi.Request(caseCode, area: "nowhere"));
        var badFields = await sender.PostAsJsonAsync("/api/v1/transfers", new
        {
            caseCode = "has spaces",
            reason = "bored",
            areaCode = "demo-district",
            urgency = "whenever",
            capacity = new { ageBand = "12", sex = "female", riskLevel = "high" },
            summary = new Dictionary<string, string> { ["child.favouriteColour"] = "blue" },
        });
        var provider = await (await _hub.ClientForAsync("agency-b-system", "agency-b-secret")).PostAsJsonAsync("/api/v1/transfers", TransferApi.Request(caseCode));

        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Contains("receivingAgency", await FieldsAsync(own));
        Assert.Contains("receivingAgency", await FieldsAsync(unknownAgency));
        Assert.Contains("receivingAgency", await FieldsAsync(notCaseManagement));
        Assert.Contains("areaCode", await FieldsAsync(unknownArea));
        Assert.Equal(HttpStatusCode.BadRequest, badFields.StatusCode);
        var fields = (await FieldsAsync(badFields)).ToList();
        Assert.Contains("caseCode", fields);
        Assert.Contains("reason", fields);
        Assert.Contains("urgency", fields);
        Assert.Contains("capacity.ageBand", fields);
        Assert.Contains("summary.child.favouriteColour", fields);
        Assert.Equal(HttpStatusCode.Forbidden, provider.StatusCode);
        Assert.Empty((await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_second_open_transfer_of_a_case_conflicts_and_an_idempotent_retry_returns_the_first()
    {
        var sender = await _hub.SenderAsync();
        var caseCode = TransferApi.NewCase();
        var first = await Send("key-1", TransferApi.Request(caseCode));
        var retry = await Send("key-1", TransferApi.Request(caseCode));
        var second = await Send(null, TransferApi.Request(caseCode));
        var byArea = await sender.RequestAsync(TransferApi.Request(TransferApi.NewCase(), receivingAgency: null));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).Id();
        Assert.Equal(firstId, (await retry.Content.ReadFromJsonAsync<JsonElement>()).Id());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("agency-d", byArea.GetProperty("receivingAgency").GetString()); // found on the case management pathway, not the sender
        Assert.Equal(2, (await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers?direction=outgoing")).GetProperty("items").GetArrayLength());

        // The list pages like every hub list: one at a time, each transfer once, then no cursor.
        var firstPage = await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers?direction=outgoing&limit=1");
        var cursor = firstPage.GetProperty("nextCursor").GetString();
        var secondPage = await sender.GetFromJsonAsync<JsonElement>($"/api/v1/transfers?direction=outgoing&limit=1&cursor={Uri.EscapeDataString(cursor!)}");
        Assert.Equal(new[] { byArea.Id(), firstId }.Order(),
            new[] { firstPage.GetProperty("items").EnumerateArray().Single().Id(), secondPage.GetProperty("items").EnumerateArray().Single().Id() }.Order());
        Assert.Equal(JsonValueKind.Null, secondPage.GetProperty("nextCursor").ValueKind);

        async Task<HttpResponseMessage> Send(string? key, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/transfers") { Content = JsonContent.Create(body) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            return await sender.SendAsync(request);
        }
    }

    [Fact]
    public async Task A_bad_cursor_or_limit_of_a_list_or_the_change_feed_is_a_400_naming_the_field()
    {
        var sender = await _hub.SenderAsync();

        var badCursor = await sender.GetAsync("/api/v1/transfers?cursor=not-ours");
        var badLimit = await sender.GetAsync("/api/v1/transfers?limit=0");
        var badDirection = await sender.GetAsync("/api/v1/transfers?direction=sideways");
        var badFeedCursor = await sender.GetAsync("/api/v1/transfers/changes?cursor=%21%21");
        var feed = await sender.GetFromJsonAsync<JsonElement>("/api/v1/transfers/changes?limit=1000");
        var again = await sender.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/changes?cursor={Uri.EscapeDataString(feed.GetProperty("nextCursor").GetString()!)}");

        Assert.Equal(["cursor"], await FieldsAsync(badCursor));
        Assert.Equal(["limit"], await FieldsAsync(badLimit));
        Assert.Equal(["direction"], await FieldsAsync(badDirection));
        Assert.Equal(["cursor"], await FieldsAsync(badFeedCursor));
        Assert.All(new[] { badCursor, badLimit, badDirection, badFeedCursor }, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        // Nothing new since the last page: an empty page and the same cursor, to poll with.
        Assert.Equal(0, again.GetProperty("items").GetArrayLength());
        Assert.Equal(feed.GetProperty("nextCursor").GetString(), again.GetProperty("nextCursor").GetString());
    }
}
