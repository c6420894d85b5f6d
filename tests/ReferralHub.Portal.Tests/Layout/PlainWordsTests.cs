using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests.Layout;

/// <summary>
/// Every page a role can reach from its menu (and the pages those link to: a referral, a transfer, a service, a
/// pathway…), visited as that person on a 360 px phone with JavaScript off, reads in words: no raw code and no JSON
/// path in its text (<see cref="PlainWords"/>), and every moment shown with the hub's local time beside UTC
/// (<see cref="LocalTimes"/>; the hub runs in Asia/Dhaka here). The hub holds a referral offered to agency B, a
/// blocked referral, and a transfer asked of agency D, so the lists and detail pages have something to show.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PlainWordsTests(Browser browser) : IAsyncLifetime
{
    private const int PagesPerRole = 30;
    private const string Zone = "Dhaka";
    private readonly PortalHub _hub = new() { Settings = { ["Portal:TimeZone"] = "Asia/Dhaka" } };

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task No_page_any_role_reaches_shows_a_raw_code_a_json_path_or_a_time_without_its_local_time()
    {
        await HubData.SendReferralAsync(_hub, "PW-REF-1", withhold: "caseHistory");
        await WorkflowData.SendBlockedReferralAsync(_hub, "PW-BLOCKED-1");
        await WorkflowData.RequestTransferAsync(_hub, "PW-TR-1");
        var words = await PlainWords.ForAsync(_hub);
        Assert.Contains("demo-camp-1", words.Codes);
        Assert.Contains("specialised-mhpss", words.Codes);
        Assert.Contains("child.name", words.Codes);

        var problems = new List<string>();
        var visited = 0;
        var timed = new HashSet<string>();
        foreach (var person in new[]
                 {
                     "provider@agency-b.demo", "casework@agency-d.demo", "focalpoint@district.demo", "supervisor@agency-a.demo",
                     "coordinator@cluster.demo", "admin@agency-a.demo",
                 })
        {
            await using var context = await browser.PhoneAsync(_hub.BaseAddress);
            var page = await context.NewPageAsync();
            await page.SignInAsync(person);
            visited += await CrawlAsync(page, async address =>
            {
                problems.AddRange((await words.FindOnAsync(page)).Select(p => $"{person} {address}: {p}"));
                var (times, count) = await LocalTimes.FindOnAsync(page, Zone);
                problems.AddRange(times.Select(p => $"{person} {address}: {p}"));
                if (count > 0) timed.Add(Id().Replace(address, "{id}"));
                if (address == "/referrals" && person.StartsWith("provider@", StringComparison.Ordinal))
                    await page.ScreenshotAsync("provider-inbox-local-time"); // docs/portal.md "Times"
            });
        }
        Assert.True(visited >= 20, $"only {visited} pages were visited");
        Assert.True(problems.Count == 0, "Codes instead of words, or times without the local time:\n" + string.Join('\n', problems));
        // The deadline of the waiting referral, its page, and the transfer request were seen, so the time check ran.
        Assert.True(timed.IsSupersetOf(["/referrals", "/referrals/{id}", "/transfers"]), "times seen on: " + string.Join(", ", timed));
    }

    [Fact]
    public async Task The_check_finds_codes_and_json_paths_and_passes_words()
    {
        var words = await PlainWords.ForAsync(_hub);
        Assert.Equal(5, words.Find("""
            Camp: demo-camp-1
            Line 4.ageBand: One of 0-4
            receivers[0].areaCode: Unknown area
            Language: ar
            Declined: no-capacity.
            """).Count);
        Assert.Empty(words.Find("""
            Demo Camp 1 · Specialised MHPSS services · 10-14 · High priority
            Signed in as admin@agency-a.demo — https://agency-a.demo.invalid/hooks · /referrals
            Send to: face-to-face, so my team knows
            """));
    }

    [Fact]
    public void The_time_check_finds_utc_alone_and_times_written_by_hand_and_passes_local_beside_utc()
    {
        const string local = "30/11/2026 18:00 (Dhaka) · 12:00 UTC";
        Assert.Empty(LocalTimes.Find($"Deadline {local}\nOpen 08:00–16:00, Sunday to Thursday", [new(local, "2026-11-30T12:00:00Z")], Zone));
        Assert.Equal(2, LocalTimes.Find("Secret changed (UTC)\nagency-a-system 30/11/2026 12:00", [], Zone).Count);
        Assert.Equal(2, LocalTimes.Find("Deadline 2026-11-30 12:00 UTC", [], Zone).Count);
        // The helper's element without the local time, or without a UTC instant a machine can read.
        Assert.Single(LocalTimes.Find("Offered 30/11/2026 12:00 UTC", [new("30/11/2026 12:00 UTC", "2026-11-30T12:00:00Z")], Zone));
        Assert.Single(LocalTimes.Find($"Offered {local}", [new(local, "2026-11-30 12:00")], Zone));
    }

    /// <summary>
    /// The signed-in person's pages: the home page, its menu, and the pages they link to, two links deep. Pages of one
    /// shape (the same address but for an id) are visited twice at most; sign-out and downloads are left alone.
    /// </summary>
    private static async Task<int> CrawlAsync(IPage page, Func<string, Task> check)
    {
        var found = new List<string>();
        var shapes = new Dictionary<string, int>();
        var queue = new Queue<(string Address, int Depth)>([("/", 0)]);
        while (queue.Count > 0 && found.Count < PagesPerRole)
        {
            var (address, depth) = queue.Dequeue();
            if (found.Contains(address)) continue;
            var shape = Id().Replace(address.Split('?')[0], "{id}");
            shapes[shape] = shapes.GetValueOrDefault(shape) + 1;
            if (shapes[shape] > 2) continue;
            var response = await page.GotoAsync(address);
            if (response is null || !response.Ok || !(response.Headers.GetValueOrDefault("content-type") ?? "").StartsWith("text/html", StringComparison.Ordinal)) continue;
            found.Add(address);
            await check(address);
            if (depth == 2) continue;
            var links = page.Locator("a[href]:not([download])");
            for (var i = 0; i < await links.CountAsync(); i++)
            {
                var href = (await links.Nth(i).GetAttributeAsync("href"))!.Split('#')[0];
                if (!href.StartsWith('/') || href.StartsWith("//", StringComparison.Ordinal)) continue;
                if (href.StartsWith("/account/", StringComparison.Ordinal) || href.StartsWith("/api/", StringComparison.Ordinal)
                    || href.Contains("/documents/", StringComparison.Ordinal) || href.Contains("csv", StringComparison.OrdinalIgnoreCase)) continue;
                queue.Enqueue((href, depth + 1));
            }
        }
        return found.Count;
    }

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Id();
}
