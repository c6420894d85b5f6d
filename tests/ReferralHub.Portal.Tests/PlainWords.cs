using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralHub.Consent.Consents;
using ReferralHub.Consent.Overrides;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Notifications;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Submit;
using ReferralHub.Transfers.Bulk;
using ReferralHub.Transfers.Model;

namespace ReferralHub.Portal.Tests;

/// <summary>
/// The check that a page speaks in words: none of the hub's codes (areas, agencies, service types, statuses, reasons,
/// roles, channels, languages, item names…) and no JSON path (<c>receivers[0].areaCode</c>, <c>ageBand</c>) in what a
/// person reads — the page's text, its options and its image descriptions. The codes come from the code lists the
/// services validate against and from the directory the hub runs with, so a new code is checked without editing this.
/// Only codes that cannot be read as words are looked for: single words such as "high" or "food" read the same either way.
/// </summary>
public sealed partial class PlainWords
{
    /// <summary>Codes that are also ordinary words or spellings (hyphenated English), so seeing them proves nothing.</summary>
    private static readonly HashSet<string> ReadAsWords = new(StringComparer.Ordinal) { "face-to-face", "in-person", "e-mail", "re-offered" };

    /// <summary>
    /// Language codes that are not also English words ("so" and "my" are): "ar" alone on a page is a code, not Arabic.
    /// </summary>
    private static readonly string[] LanguageCodes = ["ar", "en", "fr", "bn", "en-GB"];

    private static readonly Type[] CodeLists =
    [
        typeof(ServiceTypes), typeof(ReferralItems), typeof(Roles), typeof(ReferralStatuses), typeof(TransferStatuses),
        typeof(DeclineReasons), typeof(WithdrawReasons), typeof(RoutingReasons), typeof(Priorities), typeof(SubmitReferralRequest),
        typeof(TransferCodes), typeof(BulkOutcomes), typeof(OverrideGrounds), typeof(ConsentCodes), typeof(ProtectionConcerns),
        typeof(NoticeKinds), typeof(Satisfaction), typeof(TransferDeclineReasons), typeof(ApprovalRefusalReasons),
    ];

    private readonly HashSet<string> _codes;

    private PlainWords(HashSet<string> codes) => _codes = codes;

    public IReadOnlyCollection<string> Codes => _codes;

    /// <summary>The code lists plus every area and organisation code of the directory <paramref name="hub"/> runs with.</summary>
    public static async Task<PlainWords> ForAsync(PortalHub hub)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in CodeLists)
            foreach (var value in StaticStrings(type))
                if (LooksLikeCode(value)) codes.Add(value);
        foreach (var language in LanguageCodes) codes.Add(language);

        using var scope = hub.Services.CreateScope();
        var directory = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        codes.UnionWith(await directory.Areas.Select(a => a.Code).ToListAsync());
        codes.UnionWith((await directory.Organisations.Select(o => o.Code).ToListAsync()).Where(c => c.Contains('-')));
        return new PlainWords(codes);
    }

    /// <summary>Fails naming the page and every raw code or JSON path a person would read on it.</summary>
    public async Task AssertOnAsync(IPage page)
    {
        var found = await FindOnAsync(page);
        Assert.True(found.Count == 0, $"{new Uri(page.Url).PathAndQuery} shows codes instead of words: {string.Join(" | ", found)}");
    }

    public async Task<List<string>> FindOnAsync(IPage page) => Find(await ReadableTextAsync(page));

    /// <summary>
    /// What a person reads: the body's text, every option of every list, image descriptions and labels. Text in a
    /// <c>&lt;code&gt;</c> element is left out: it marks what a person must copy as written (an API client's id and
    /// secret, a webhook's address), the one place a code is the point.
    /// </summary>
    public static async Task<string> ReadableTextAsync(IPage page)
    {
        var body = await page.Locator("body").InnerTextAsync();
        foreach (var typed in await page.Locator("body code").AllInnerTextsAsync())
        {
            var at = body.IndexOf(typed, StringComparison.Ordinal);
            if (typed.Length > 0 && at >= 0) body = body.Remove(at, typed.Length);
        }
        var parts = new List<string> { await page.TitleAsync(), body };
        parts.AddRange(await page.Locator("option").AllInnerTextsAsync());
        parts.AddRange(await page.Locator("svg title, svg desc, svg text").AllTextContentsAsync());
        foreach (var attribute in new[] { "alt", "aria-label", "title", "placeholder" })
        {
            var elements = page.Locator($"[{attribute}]");
            for (var i = 0; i < await elements.CountAsync(); i++) parts.Add(await elements.Nth(i).GetAttributeAsync(attribute) ?? "");
        }
        return string.Join('\n', parts);
    }

    /// <summary>The raw codes and JSON paths in <paramref name="text"/>, each with a little of the line it is on.</summary>
    public List<string> Find(string text)
    {
        var found = new List<string>();
        foreach (var line in text.Split('\n'))
            foreach (Match token in Token().Matches(line))
            {
                var word = token.Value.TrimEnd('.', ':');
                // Addresses and e-mail addresses are meant to be read as they are.
                if (word.Contains('@') || word.Contains("://", StringComparison.Ordinal) || word.StartsWith('/')) continue;
                var what = _codes.Contains(word) ? "code" : JsonPath().IsMatch(word) ? "JSON path" : null;
                if (what is not null) found.Add($"{what} '{word}' in \"{Excerpt(line, token.Index)}\"");
            }
        return found;
    }

    private static string Excerpt(string line, int at)
    {
        var start = Math.Max(0, at - 40);
        return line.Substring(start, Math.Min(line.Length - start, 100)).Trim();
    }

    private static bool LooksLikeCode(string value) =>
        // "10-14" (an age band) reads as numbers: only codes with letters count.
        !ReadAsWords.Contains(value) && CodeShape().IsMatch(value) && (value.Contains('-') || value.Contains('.')) && value.Any(char.IsLetter);

    private static IEnumerable<string> StaticStrings(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static;
        var values = type.GetFields(flags).Select(f => f.GetValue(null))
            .Concat(type.GetProperties(flags).Where(p => p.GetIndexParameters().Length == 0).Select(p => p.GetValue(null)));
        foreach (var value in values)
            switch (value)
            {
                case string s: yield return s; break;
                case IDictionary dictionary: foreach (var key in dictionary.Keys) if (key is string k) yield return k; break;
                case IEnumerable<string> list: foreach (var s in list) yield return s; break;
                case IEnumerable items:
                    // Records of a list (e.g. ServiceType, ConsentCategory) carry their code in a Code property.
                    foreach (var item in items)
                        if (item?.GetType().GetProperty("Code")?.GetValue(item) is string code) yield return code;
                    break;
            }
    }

    /// <summary>A word with the characters codes and paths are made of (letters, digits, - . _ [ ]), plus @ : / to skip addresses.</summary>
    [GeneratedRegex(@"[A-Za-z0-9@:/_\-\.\[\]]+")]
    private static partial Regex Token();

    [GeneratedRegex(@"^[a-z0-9]+([\-\.][a-z0-9]+)+$")]
    private static partial Regex CodeShape();

    /// <summary>camelCase (<c>ageBand</c>, <c>4.ageBand</c>) or an index (<c>receivers[0]</c>).</summary>
    [GeneratedRegex(@"(^|[\.\]])[a-z]+[A-Z][A-Za-z]*|\w\[\d+\]")]
    private static partial Regex JsonPath();
}
