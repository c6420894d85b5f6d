using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.Query;

/// <summary>
/// The provider's "all" inbox pages through everything ever addressed to it oldest first (creation time, then id),
/// without a gap or a repeat whatever the page size, and a line reads the same whichever page it is on and whatever
/// else is on that page (the releases of a page's accepted referrals are read together). Its own hub, so the
/// provider's inbox holds exactly this test's referrals.
/// </summary>
public sealed class InboxPagingTests : IAsyncLifetime
{
    private readonly ModuleHost _hub = new();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public Task DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task The_all_inbox_pages_oldest_first_without_gaps_or_repeats_and_each_line_reads_the_same_on_any_page()
    {
        var referrer = _hub.ClientFor("agency-a", Roles.Referrer);
        var provider = _hub.ClientFor("agency-b", Roles.Provider);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            var caseCode = $"CASE-PAGE-{i}";
            _hub.World.Consents[caseCode] = new FakeConsent(true);
            ids.Add(await SubmitOkAsync(referrer, NadiaReferral(caseCode)));
        }
        foreach (var id in ids) await WaitForStatusAsync(referrer, id, "offered");
        // Accepted ones (their lines carry the initials from the release), one in service, one withdrawn, the rest offered.
        foreach (var id in new[] { ids[1], ids[3], ids[4] }) Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, id, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, ids[4], "start", new { startedOn = "2022-09-18" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(referrer, ids[5], "withdraw", new { reason = "no-longer-needed" })).StatusCode);

        List<Guid> expected;
        await using (var scope = _hub.Services.CreateAsyncScope())
            expected = await scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().Referrals
                .Where(r => r.OrganisationCode == "agency-b" && r.Status != ReferralStatuses.Submitted)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Id).ToListAsync();
        Assert.Equal(ids.Order(), expected.Order());

        var whole = await ReadAllAsync(provider, 100);
        Assert.Equal(expected, whole.Select(Id));
        var byId = whole.ToDictionary(Id, i => i.GetRawText());
        foreach (var size in new[] { 1, 2, 3 })
        {
            var paged = await ReadAllAsync(provider, size);
            Assert.Equal(expected, paged.Select(Id));
            Assert.All(paged, i => Assert.Equal(byId[Id(i)], i.GetRawText()));
        }

        string? Initials(Guid id) => whole.Single(i => Id(i) == id).GetProperty("childInitials").GetString();
        Assert.All(new[] { ids[1], ids[3], ids[4] }, id => Assert.Equal("N. S.", Initials(id)));
        Assert.All(new[] { ids[0], ids[2], ids[5], ids[6] }, id => Assert.Null(Initials(id)));
        Assert.Equal("in-service", whole.Single(i => Id(i) == ids[4]).GetProperty("status").GetString());
    }

    private static Guid Id(JsonElement item) => item.GetProperty("id").GetGuid();

    private static async Task<List<JsonElement>> ReadAllAsync(HttpClient provider, int limit)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await provider.GetFromJsonAsync<JsonElement>($"/api/v1/inbox?status=all&limit={limit}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= limit);
            all.AddRange(items);
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.String ? page.GetProperty("nextCursor").GetString() : null;
        } while (cursor is not null && all.Count < 100);
        return all;
    }
}
