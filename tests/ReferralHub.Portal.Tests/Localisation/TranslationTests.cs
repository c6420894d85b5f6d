using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;

namespace ReferralHub.Portal.Tests.Localisation;

/// <summary>
/// Every word of the English <c>PortalText.resx</c> has its French, Arabic and Bengali entry with the same
/// placeholders, so a new key cannot silently fall back to English (it did for sessions 5–7's keys), and a translation
/// that lost or invented a <c>{0}</c> cannot throw when a page formats it. Read from the built satellite assemblies:
/// what the portal really ships.
/// </summary>
public sealed partial class TranslationTests
{
    private static readonly ResourceManager Words = new("ReferralHub.Portal.Resources.PortalText", typeof(PortalText).Assembly);

    /// <summary>Words that are the same in every language (the product's name).</summary>
    private static readonly HashSet<string> SameEverywhere = ["App.Name"];

    [Theory]
    [InlineData("fr")]
    [InlineData("ar")]
    [InlineData("bn")]
    public void Every_english_word_has_a_translation_with_the_same_placeholders(string culture)
    {
        var english = Read(CultureInfo.InvariantCulture);
        Assert.True(english.Count > 500, $"only {english.Count} English words were read: is the resource name right?");
        var problems = Problems(english, Read(CultureInfo.GetCultureInfo(culture)), latinScript: culture == "fr");
        Assert.True(problems.Count == 0, $"PortalText.{culture}.resx:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void The_check_finds_missing_words_lost_placeholders_and_untranslated_english()
    {
        var english = new Dictionary<string, string>
        {
            ["Bulk.Jobs"] = "Your agency's caseload transfers ({0})",
            ["Bulk.NoJobs"] = "Your agency has not started a caseload transfer.",
            ["Referrals.ChildInitials"] = "Child {0}",
            ["Chart.Count"] = "{0}",
            ["App.Name"] = "ReferralHub",
        };
        var arabic = new Dictionary<string, string>
        {
            ["Bulk.Jobs"] = "عمليات تحويل الحالات لوكالتك", // {0} lost
            ["Referrals.ChildInitials"] = "Child {0}", // still English
            ["Chart.Count"] = "{0}",
            ["App.Name"] = "ReferralHub",
        };
        var problems = Problems(english, arabic, latinScript: false);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Bulk.NoJobs: missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Bulk.Jobs: placeholders", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Referrals.ChildInitials: still English", StringComparison.Ordinal));
        // French may share words with English ("Documents", "Service"): only missing keys and placeholders count there.
        Assert.Equal(2, Problems(english, arabic, latinScript: true).Count);
    }

    private static List<string> Problems(IReadOnlyDictionary<string, string> english, IReadOnlyDictionary<string, string> translated, bool latinScript)
    {
        var problems = new List<string>();
        foreach (var (key, value) in english.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!translated.TryGetValue(key, out var other) || string.IsNullOrWhiteSpace(other))
                problems.Add($"{key}: missing (English: \"{value}\")");
            else if (!Placeholders(value).SetEquals(Placeholders(other)))
                problems.Add($"{key}: placeholders {string.Join(",", Placeholders(other))} instead of {string.Join(",", Placeholders(value))}");
            else if (!latinScript && !SameEverywhere.Contains(key) && other == value && value.Any(char.IsLetter))
                problems.Add($"{key}: still English (\"{value}\")");
        }
        return problems;
    }

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).ToHashSet();

    private static Dictionary<string, string> Read(CultureInfo culture)
    {
        var set = Words.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
                  ?? throw new InvalidOperationException($"no PortalText resources for '{culture.Name}' next to the portal assembly");
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in set)
            if (entry.Value is string text) words[(string)entry.Key] = text;
        return words;
    }

    /// <summary><c>{0}</c>, <c>{1:P0}</c>: the index and format of a composite-format item.</summary>
    [GeneratedRegex(@"\{\d+(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
