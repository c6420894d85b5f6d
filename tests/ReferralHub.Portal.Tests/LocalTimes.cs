using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests;

/// <summary>
/// The check that a page shows every moment (a deadline, when something was offered, changed, delivered…) the portal's
/// one way: a <c>&lt;time class="hub-time" datetime="…Z"&gt;</c> whose words give the hub's local time, named by its
/// zone, with UTC beside it. A date and time or a "UTC" anywhere else on the page is a time written by hand, which is
/// how "deadlines are shown only in UTC" happened. Opening hours ("08:00–16:00") carry no date and are not moments.
/// </summary>
public static partial class LocalTimes
{
    /// <summary>One <c>time.hub-time</c> element: its words and its <c>datetime</c> attribute.</summary>
    public sealed record Shown(string Text, string? Instant);

    /// <summary>The problems on the open page; <paramref name="zoneName"/> is the local zone's name the hub runs with (null: UTC).</summary>
    public static async Task<(List<string> Problems, int Times)> FindOnAsync(IPage page, string? zoneName)
    {
        var body = await page.Locator("body").InnerTextAsync();
        var tags = page.Locator("time.hub-time");
        var shown = new List<Shown>();
        for (var i = 0; i < await tags.CountAsync(); i++)
            shown.Add(new Shown(await tags.Nth(i).InnerTextAsync(), await tags.Nth(i).GetAttributeAsync("datetime")));
        return (Find(body, shown, zoneName), shown.Count);
    }

    public static async Task AssertOnAsync(IPage page, string? zoneName)
    {
        var (problems, _) = await FindOnAsync(page, zoneName);
        Assert.True(problems.Count == 0, $"{new Uri(page.Url).PathAndQuery} shows times without the local time: {string.Join(" | ", problems)}");
    }

    public static List<string> Find(string body, IReadOnlyList<Shown> times, string? zoneName)
    {
        var problems = new List<string>();
        foreach (var time in times)
        {
            if (time.Instant is null || !Instant().IsMatch(time.Instant))
                problems.Add($"'{time.Text}' has no UTC instant (datetime=\"{time.Instant}\")");
            if (!time.Text.Contains("UTC", StringComparison.Ordinal) || (zoneName is not null && !time.Text.Contains($"({zoneName})", StringComparison.Ordinal)))
                problems.Add($"'{time.Text}' does not give both the local time ({zoneName ?? "UTC"}) and UTC");
            var at = body.IndexOf(time.Text, StringComparison.Ordinal);
            if (at >= 0) body = body.Remove(at, time.Text.Length);
        }
        foreach (Match m in DateAndTime().Matches(body)) problems.Add($"a time written by hand: \"{Excerpt(body, m.Index)}\"");
        foreach (Match m in Utc().Matches(body)) problems.Add($"UTC without the local time: \"{Excerpt(body, m.Index)}\"");
        return problems;
    }

    private static string Excerpt(string text, int at)
    {
        var start = Math.Max(0, at - 30);
        return text.Substring(start, Math.Min(text.Length - start, 70)).Replace('\n', ' ').Trim();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex Instant();

    /// <summary>A date (30/11/2026, 2026-11-30, 30.11.2026) followed by a clock time (12:00), as any culture or ISO writes it.</summary>
    [GeneratedRegex(@"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}[,\sT]+\d{1,2}:\d{2}")]
    private static partial Regex DateAndTime();

    [GeneratedRegex(@"\bUTC\b")]
    private static partial Regex Utc();
}
