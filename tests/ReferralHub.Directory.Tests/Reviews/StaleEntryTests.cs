using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Directory.Tests.Reviews;

public sealed class StaleEntryTests
{
    [Fact]
    public async Task Entries_not_reviewed_for_six_months_are_listed_stale_until_someone_confirms_the_review()
    {
        var clock = new ManualClock();
        await using var hub = new DirectoryHubFactory { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock) };
        var coordinator = await hub.ClientForAsync(Demo.Coordinator);
        var maintainer = await hub.ClientForAsync(Demo.Pathways);

        // Demo data: food (240 days) and shelter (220 days) are past the 182-day default; everything else was reviewed 30 days ago.
        var now = await coordinator.GetItemsAsync($"/api/v1/directory/stale?area={Demo.Camp1}");
        clock.Advance(TimeSpan.FromDays(160));
        var later = await coordinator.GetItemsAsync($"/api/v1/directory/stale?area={Demo.Camp1}");
        var reviewed = await maintainer.PostAsJsonAsync($"/api/v1/directory/services/{Demo.AgencyBMhpss}/review", new { version = 1 });
        var afterReview = await coordinator.GetItemsAsync($"/api/v1/directory/stale?area={Demo.Camp1}");
        var pathway = await coordinator.GetJsonAsync($"/api/v1/pathways?area={Demo.Camp1}&serviceType=specialised-mhpss");
        var history = await coordinator.GetItemsAsync($"/api/v1/directory/services/{Demo.AgencyBMhpss}/history");

        Assert.Equal(["Shelter repair and allocation", "General food distribution referral"], now.Strings("name").Order().Reverse());
        Assert.All(now.EnumerateArray(), e => Assert.NotEmpty(e.GetProperty("areaFocalPoints").EnumerateArray()));
        Assert.Contains(Demo.AgencyBMhpss.ToString(), later.Strings("id"));
        Assert.Contains(later.EnumerateArray(), e => e.GetProperty("kind").GetString() == "pathway");
        reviewed.EnsureSuccessStatusCode();
        Assert.DoesNotContain(Demo.AgencyBMhpss.ToString(), afterReview.Strings("id"));
        // Routing keeps stale services usable, marked.
        var services = pathway.GetProperty("services");
        Assert.False(services[0].GetProperty("stale").GetBoolean());
        Assert.True(services[1].GetProperty("stale").GetBoolean());
        Assert.Equal("reviewed", history[history.GetArrayLength() - 1].GetProperty("action").GetString());
        Assert.Equal(["lastReviewedAt"], history[history.GetArrayLength() - 1].GetProperty("changes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task The_stale_period_is_configurable()
    {
        await using var hub = new DirectoryHubFactory();
        hub.Settings["Directory:StaleAfterDays"] = "20";
        var coordinator = await hub.ClientForAsync(Demo.Coordinator);

        var stale = await coordinator.GetItemsAsync("/api/v1/directory/stale");

        // Every seeded service was reviewed at least 30 days ago.
        Assert.Equal(30, stale.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "service"));
    }
}
