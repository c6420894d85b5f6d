using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.GeneratedClient;

/// <summary>
/// The generated client (<c>HubClient</c>) is built from docs/openapi/v1.json, a committed copy of the hub's
/// <c>/openapi/v1.json</c>: a change of the API then shows as a diff to review, and the client is generated offline at
/// build time. This test keeps the copy honest: it fails as soon as the live document differs from it, so drift
/// cannot hide behind a stale client. Run with <c>REFERRALHUB_WRITE_OPENAPI=1</c> to rewrite the copy after a
/// deliberate change (then rebuild: the client is regenerated from it).
/// </summary>
public sealed class OpenApiSnapshotTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task The_committed_document_is_the_live_one()
    {
        var live = Normalise(JsonNode.Parse(await hub.CreateClient().GetStringAsync("/openapi/v1.json"))!);
        var path = SnapshotPath();
        if (Environment.GetEnvironmentVariable("REFERRALHUB_WRITE_OPENAPI") == "1")
            await File.WriteAllTextAsync(path, live);

        var committed = await File.ReadAllTextAsync(path);
        Assert.True(committed.ReplaceLineEndings("\n") == live,
            $"/openapi/v1.json differs from {path}; review the change, then rewrite the copy with REFERRALHUB_WRITE_OPENAPI=1 "
            + "dotnet test tests/ReferralHub.Host.Tests --filter OpenApiSnapshot and rebuild (the client is generated from it). "
            + $"First difference near: {FirstDifference(committed.ReplaceLineEndings("\n"), live)}");
    }

    /// <summary>
    /// The document without what depends on where the hub runs (<c>servers</c>: the test server's address), indented,
    /// with a final newline.
    /// </summary>
    internal static string Normalise(JsonNode document)
    {
        document.AsObject().Remove("servers");
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }

    private static string FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        var start = Math.Max(0, i - 80);
        return $"committed «{a[start..Math.Min(a.Length, i + 80)]}» live «{b[start..Math.Min(b.Length, i + 80)]}»";
    }

    /// <summary>docs/openapi/v1.json in the source tree (four folders up from this file).</summary>
    internal static string SnapshotPath([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "..", "docs", "openapi", "v1.json"));
}
