using System.Net;
using System.Text.Json.Nodes;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Hostile;

/// <summary>
/// A route or query value that does not parse is refused with a 400 naming that parameter in every environment, not only
/// in Development (where minimal APIs used to throw): the build-time request delegates refuse an optional value
/// (<c>int? per_page</c>) silently, and Production does not throw by default. Never the value itself.
/// </summary>
public sealed class UnparsedParameterTests
{
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task An_unparsable_optional_value_is_named_in_every_environment(string environment)
    {
        var settings = new Dictionary<string, string?> { ["Directory:HsdsPublic"] = "true", ["Logging:LogLevel:Default"] = "Warning" };
        await using EmbeddedHubFactory hub = environment == "Production" ? new ProductionHubFactory { Settings = settings } : new EmbeddedHubFactory { Settings = settings };
        await hub.InitializeAsync();
        using var client = hub.CreateClient();

        foreach (var (query, parameter, value) in new[]
        {
            ("per_page=not-a-number", "per_page", "not-a-number"),   // int?, bound under another name
            ("page=1&modified_after=yesterday-ish", "modified_after", "yesterday-ish"),   // DateTime?
            ("full=perhaps", "full", "perhaps"),   // bool?
        })
        {
            using var response = await client.GetAsync($"/hsds/services?{query}");
            var text = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = Assert.IsType<JsonObject>(JsonNode.Parse(text)?["errors"]);
            Assert.Equal([parameter], errors.Select(e => e.Key));
            Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        }
    }
}
