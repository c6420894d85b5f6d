using System.Net;
using System.Text.Json;

namespace ReferralHub.Directory.Tests.Editing;

/// <summary>Areas and organisations are lists like every hub list: <c>{items, nextCursor}</c>, paged by limit and cursor.</summary>
public sealed class DirectoryListTests(DirectoryHubFactory hub) : IClassFixture<DirectoryHubFactory>
{
    [Theory]
    [InlineData("/api/v1/directory/areas?includeRetired=true")]
    [InlineData("/api/v1/directory/organisations?includeRetired=true")]
    public async Task Following_the_cursor_two_at_a_time_gives_every_entry_once_in_code_order(string list)
    {
        var reader = await hub.ClientForAsync(Demo.AgencyA);
        var whole = (await reader.GetJsonAsync(list)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("code").GetString()!).ToList();

        var paged = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await reader.GetJsonAsync($"{list}&limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("code").GetString()!).ToList();
            Assert.InRange(items.Count, 1, 2);
            paged.AddRange(items);
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null && pages < 100);

        Assert.True(whole.Count > 2, "the demo directory has more than one page of two");
        Assert.Equal(whole.Order(StringComparer.Ordinal), whole);
        Assert.Equal(whole, paged);
    }

    [Theory]
    [InlineData("/api/v1/directory/areas?cursor=%21", "cursor")]
    [InlineData("/api/v1/directory/organisations?limit=0", "limit")]
    [InlineData("/api/v1/directory/organisations?limit=501", "limit")]
    public async Task A_bad_cursor_or_limit_is_a_400_naming_the_field(string url, string field)
    {
        var reader = await hub.ClientForAsync(Demo.AgencyA);
        using var response = await reader.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }
}
