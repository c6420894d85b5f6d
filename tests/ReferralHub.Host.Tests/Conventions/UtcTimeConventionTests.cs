using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Conventions;

/// <summary>
/// docs/api-conventions.md, Times: every time on the wire is UTC with <c>Z</c> — read back from the database too, where
/// the kind is lost (consent validUntil/recordedAt, transfer createdAt were written without a zone before).
/// </summary>
public sealed partial class UtcTimeConventionTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")]
    private static partial Regex DateTimeText();

    [Fact]
    public async Task Every_time_in_consent_transfer_referral_and_directory_answers_ends_with_Z()
    {
        using var referrer = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var caseCode = $"UTC-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var recorded = await referrer.PostAsJsonAsync("/api/v1/consents", new Dictionary<string, object?>
        {
            ["caseCode"] = caseCode,
            ["givenBy"] = "caregiver",
            ["givenOn"] = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1).ToString("yyyy-MM-dd"),
            ["participateInCaseManagement"] = true,
            ["collectAndStore"] = true,
            ["sharing"] = new[] { "case-transfer" },
            ["oneOff"] = false,
            // Sent with an offset: the answer gives the same instant in UTC.
            ["validUntil"] = new DateTimeOffset(DateTime.SpecifyKind(DateTime.UtcNow.AddDays(30).Date.AddHours(12), DateTimeKind.Unspecified), TimeSpan.FromHours(3)),
        });
        Assert.True(recorded.IsSuccessStatusCode, $"consent: {(int)recorded.StatusCode} {await recorded.Content.ReadAsStringAsync()}");
        var transfer = await referrer.PostAsJsonAsync("/api/v1/transfers", new
        {
            caseCode, reason = "child-moved", receivingAgency = "agency-d", areaCode = "demo-district", urgency = "medium",
            capacity = new { ageBand = "10-14", sex = "female", protectionConcerns = new[] { "child-marriage-risk" }, riskLevel = "high", languages = new[] { "ar" } },
        });
        Assert.True(transfer.IsSuccessStatusCode, $"transfer: {(int)transfer.StatusCode} {await transfer.Content.ReadAsStringAsync()}");

        var answers = new Dictionary<string, JsonElement>
        {
            ["consent as recorded"] = await recorded.Content.ReadFromJsonAsync<JsonElement>(),
            ["consent read"] = await referrer.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}"),
            ["transfer as requested"] = await transfer.Content.ReadFromJsonAsync<JsonElement>(),
            ["transfers list"] = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/transfers"),
            ["transfer changes"] = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/transfers/changes"),
            ["organisations"] = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/directory/organisations"),
            ["areas"] = await referrer.GetFromJsonAsync<JsonElement>("/api/v1/directory/areas"),
        };

        var times = answers.SelectMany(a => Times(a.Value, a.Key)).ToList();
        Assert.Contains(times, t => t.Path.EndsWith(".validUntil", StringComparison.Ordinal) && t.Value.StartsWith(
            DateTime.UtcNow.AddDays(30).Date.AddHours(9).ToString("yyyy-MM-dd'T'HH:mm:ss"), StringComparison.Ordinal));
        Assert.Contains(times, t => t.Path.EndsWith(".createdAt", StringComparison.Ordinal));
        Assert.Contains(times, t => t.Path.EndsWith(".recordedAt", StringComparison.Ordinal));
        Assert.All(times, t => Assert.True(t.Value.EndsWith('Z'), $"{t.Path} = {t.Value}"));
    }

    private static IEnumerable<(string Path, string Value)> Times(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Times(p.Value, $"{path}.{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Times(e, $"{path}[{i}]")),
        JsonValueKind.String when DateTimeText().IsMatch(element.GetString()!) => [(path, element.GetString()!)],
        _ => [],
    };
}
