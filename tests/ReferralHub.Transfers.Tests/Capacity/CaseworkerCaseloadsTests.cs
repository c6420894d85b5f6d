using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.Capacity;

/// <summary>
/// GET /api/v1/transfers/caseworkers: the receiving agency's focal point picks the caseworker for a transfer from the
/// codes the agency already uses, each with the open cases the confirm warning counts (seed 004: "Case workers should
/// not manage more than 25 cases at any given time"). Only the caller's agency's codes, only for the roles that confirm.
/// </summary>
public sealed class CaseworkerCaseloadsTests : IAsyncLifetime
{
    private const string AgencyDSupervisor = "agency-d-supervisor";
    private readonly TransferHub _hub = new();

    public CaseworkerCaseloadsTests()
    {
        // Agency D's supervisor: of the receiving agency, but not a role that confirms capacity.
        _hub.Settings["Auth:Clients:3:ClientId"] = AgencyDSupervisor;
        _hub.Settings["Auth:Clients:3:ClientSecret"] = TransferHub.Secret;
        _hub.Settings["Auth:Clients:3:Agency"] = "agency-d";
        _hub.Settings["Auth:Clients:3:Roles:0"] = "supervisor";
    }

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task The_receiving_agency_lists_only_its_own_caseworker_codes_each_with_the_caseload_the_warning_counts()
    {
        var agencyA = await _hub.SenderAsync();
        var agencyD = await _hub.ClientAsync(TransferHub.Receiver);

        // Agency D confirms two transfers with cw-b (released: open), one with cw-a whose consent is missing
        // (consent-denied: ended, so the code is known with no open case).
        await ConfirmNewAsync(agencyA, agencyD, "cw-b");
        await ConfirmNewAsync(agencyA, agencyD, "cw-b");
        await ConfirmNewAsync(agencyA, agencyD, "cw-a", withConsent: false, expectedStatus: "consent-denied");
        // Agency D sends a case to agency A, whose system confirms it with A's own caseworker code.
        await ConfirmNewAsync(agencyD, agencyA, "a-only-cw", receivingAgency: "agency-a");

        var dList = await agencyD.GetStringAsync("/api/v1/transfers/caseworkers");
        var d = Items(JsonDocument.Parse(dList).RootElement);
        Assert.Equal(["cw-a", "cw-b"], d.Select(c => c.Code));
        Assert.Equal([0, 2], d.Select(c => c.Open));
        Assert.All(d, c => Assert.False(c.Warning));
        Assert.DoesNotContain("a-only-cw", dList); // another agency's codes never appear
        var aList = Items(await agencyA.GetFromJsonAsync<JsonElement>("/api/v1/transfers/caseworkers"));
        Assert.Equal(["a-only-cw"], aList.Select(c => c.Code));
        Assert.Equal(1, aList[0].Open);

        // Codes and counts only: nothing else about a case or a person.
        var item = JsonDocument.Parse(dList).RootElement.GetProperty("items")[0];
        Assert.Equal(["caseworkerId", "openCases", "caseloadWarning"], item.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_count_is_the_one_the_confirm_warning_uses_up_to_and_over_25()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        for (var i = 0; i < 24; i++) await ConfirmNewAsync(sender, receiver, "cw-busy");

        var at24 = Single(await ListAsync(receiver), "cw-busy");
        var the25th = await ConfirmNewAsync(sender, receiver, "cw-busy");
        var at25 = Single(await ListAsync(receiver), "cw-busy");
        var the26th = await ConfirmNewAsync(sender, receiver, "cw-busy");
        var at26 = Single(await ListAsync(receiver), "cw-busy");

        Assert.Equal((24, false), (at24.Open, at24.Warning));
        Assert.Empty(the25th.GetProperty("warnings").EnumerateArray()); // the list said no warning, and there was none
        Assert.Equal((25, true), (at25.Open, at25.Warning));
        // The list said the next one warns; the warning's count is the list's plus the new case.
        Assert.Contains($"{at25.Open + 1} open cases", Assert.Single(the26th.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Equal((26, true), (at26.Open, at26.Warning));
    }

    [Fact]
    public async Task Pages_follow_the_code_order_and_bad_paging_or_a_role_that_may_not_confirm_is_refused()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        foreach (var code in new[] { "cw-3", "cw-1", "cw-2" }) await ConfirmNewAsync(sender, receiver, code);

        var codes = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await receiver.GetFromJsonAsync<JsonElement>(
                "/api/v1/transfers/caseworkers?limit=1" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            codes.AddRange(Items(page).Select(c => c.Code));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(["cw-1", "cw-2", "cw-3"], codes);
        Assert.Equal(3, pages);

        var badCursor = await receiver.GetAsync("/api/v1/transfers/caseworkers?cursor=nonsense");
        var badLimit = await receiver.GetAsync("/api/v1/transfers/caseworkers?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Contains("cursor", (await badCursor.Content.ReadFromJsonAsync<JsonElement>()).ErrorFields());
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", (await badLimit.Content.ReadFromJsonAsync<JsonElement>()).ErrorFields());

        // Roles that may not confirm capacity: the receiving agency's supervisor, a child protection focal point.
        var supervisor = await _hub.ClientAsync(AgencyDSupervisor);
        var focalPoint = await _hub.ClientForAsync("pathways-system", "pathways-secret");
        var bySupervisor = await supervisor.GetAsync("/api/v1/transfers/caseworkers");
        Assert.Equal(HttpStatusCode.Forbidden, bySupervisor.StatusCode);
        Assert.DoesNotContain("cw-1", await bySupervisor.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await focalPoint.GetAsync("/api/v1/transfers/caseworkers")).StatusCode);
    }

    private async Task<JsonElement> ConfirmNewAsync(HttpClient sender, HttpClient receiver, string caseworker, bool withConsent = true,
        string expectedStatus = "released", string receivingAgency = "agency-d")
    {
        var caseCode = TransferApi.NewCase();
        if (withConsent) await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode, receivingAgency))).Id();
        var confirmed = await receiver.ConfirmAsync(id, caseworker).OkAsync("confirm");
        Assert.Equal(expectedStatus, confirmed.Status());
        return confirmed;
    }

    private static Task<JsonElement> ListAsync(HttpClient client) => client.GetFromJsonAsync<JsonElement>("/api/v1/transfers/caseworkers");

    private static List<(string Code, int Open, bool Warning)> Items(JsonElement page) =>
        page.GetProperty("items").EnumerateArray()
            .Select(c => (c.GetProperty("caseworkerId").GetString()!, c.GetProperty("openCases").GetInt32(), c.GetProperty("caseloadWarning").GetBoolean()))
            .ToList();

    private static (string Code, int Open, bool Warning) Single(JsonElement page, string code) => Assert.Single(Items(page), c => c.Code == code);
}
