using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReferralHub.Gateway.Identity;
using Xunit.Abstractions;

namespace ReferralHub.Host.Tests.Hostile;

/// <summary>
/// Every operation of <c>/openapi/v1.json</c> × every demo API client (read from <see cref="DemoClients"/>, the code
/// that registers them) and an anonymous caller, addressing agency A's own consent, case and referral (offered to
/// agency B). Each answer is classed — <c>ok</c> (2xx), <c>denied</c> (401/403/404), <c>refused</c> (any other 4xx) —
/// and compared with <c>authorization-matrix.tsv</c> kept next to this file, so a change in who may do what shows up
/// as a diff to review. Run with <c>REFERRALHUB_WRITE_AUTH_MATRIX=1</c> to rewrite the table after a deliberate change
/// (e.g. new demo identities). Two rules hold whatever the table says: only agency A reaches its case and consent,
/// and only agency A and the addressed provider reach its referral.
/// </summary>
public sealed class AuthorizationMatrixTests(KestrelHubFactory hub, ITestOutputHelper output) : IClassFixture<KestrelHubFactory>
{
    private const string CaseCode = "MATRIX-1";
    private static readonly Guid Unknown = Guid.Parse("0badc0de-0000-4000-8000-000000000001");

    [Fact]
    public async Task Who_may_call_what_matches_the_table_and_no_other_agency_reaches_agency_As_records()
    {
        var referralId = await SeedAsync();
        var (operations, _) = await OpenApiOperations.ReadAsync(hub);
        var callers = new List<(string Name, HttpClient Client)> { ("anonymous", hub.CreateClient()) };
        foreach (var client in DemoClients.All)
        {
            var http = hub.CreateClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await hub.TokenAsync(client.ClientId, client.ClientSecret));
            callers.Add((client.ClientId, http));
        }

        // Reads first, on the seeded state; then the writes (their order is fixed, so the state each meets is too).
        var ordered = operations.OrderBy(o => o.Method == "GET" ? 0 : 1).ThenBy(o => o.Key, StringComparer.Ordinal).ToList();
        var actual = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var violations = new List<string>();
        foreach (var operation in ordered)
        {
            var path = operation.PathWith((name, schema) => ValueFor(operation, name, schema, referralId));
            foreach (var (name, client) in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), path);
                if (operation.TakesBody)
                    request.Content = operation.Template.StartsWith("/fhir", StringComparison.Ordinal)
                        ? new StringContent("{\"resourceType\":\"Basic\"}", Encoding.UTF8, "application/fhir+json")
                        : new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                var cell = status switch
                {
                    >= 200 and < 300 => "ok",
                    401 or 403 or 404 => "denied",
                    >= 400 and < 500 => "refused",
                    _ => $"status-{status}",
                };
                actual[$"{operation.Key}\t{name}"] = cell;
                if (cell == "ok" && !MayReach(operation, name))
                    violations.Add($"{operation.Key} as {name}: {status} on agency A's record");
                if (status >= 500) violations.Add($"{operation.Key} as {name}: {status}");
            }
        }

        var text = string.Join("\n", actual.Select(kv => $"{kv.Key}\t{kv.Value}")) + "\n";
        var file = Path.Combine(AppContext.BaseDirectory, "Hostile", "authorization-matrix.tsv");
        if (Environment.GetEnvironmentVariable("REFERRALHUB_WRITE_AUTH_MATRIX") == "1")
        {
            await File.WriteAllTextAsync(SourceTablePath(), Header + text);
            await File.WriteAllTextAsync(file, Header + text);
            output.WriteLine($"wrote {actual.Count} cells to {SourceTablePath()}");
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));

        var expected = (await File.ReadAllLinesAsync(file))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .ToDictionary(cells => $"{cells[0]}\t{cells[1]}", cells => cells[2], StringComparer.Ordinal);
        var differences = actual.Where(kv => !expected.TryGetValue(kv.Key, out var cell) || cell != kv.Value)
            .Select(kv => $"{kv.Key.Replace('\t', ' ')}: expected {expected.GetValueOrDefault(kv.Key, "(no row)")}, got {kv.Value}")
            .Concat(expected.Keys.Except(actual.Keys).Select(k => $"{k.Replace('\t', ' ')}: in the table, no longer an operation"))
            .ToList();
        output.WriteLine($"{actual.Count} cells over {operations.Count} operations × {callers.Count} callers");
        Assert.True(differences.Count == 0,
            $"{differences.Count} cells differ from {Path.GetFileName(file)} (review; REFERRALHUB_WRITE_AUTH_MATRIX=1 rewrites it):\n{string.Join("\n", differences)}");
    }

    /// <summary>
    /// Agency A's consent and case are its own (its caseworker system and its supervisor); its referral also reaches the
    /// provider it was offered to.
    /// </summary>
    private static bool MayReach(ApiOperation operation, string caller)
    {
        var addressesCase = operation.Template.Contains("{caseCode}", StringComparison.Ordinal);
        var addressesReferral = operation.Template.StartsWith("/api/v1/referrals/{id}", StringComparison.Ordinal)
            || operation.Template.StartsWith("/fhir/ServiceRequest/{id}", StringComparison.Ordinal);
        if (addressesCase) return caller is "agency-a-system" or "agency-a-supervisor";
        if (addressesReferral) return caller is "agency-a-system" or "agency-a-supervisor" or "agency-b-system";
        return true;
    }

    private static string ValueFor(ApiOperation operation, string name, JsonNode? schema, Guid referralId) => name switch
    {
        "caseCode" => CaseCode,
        "id" when operation.Template.StartsWith("/api/v1/referrals/{id}", StringComparison.Ordinal)
                  || operation.Template.StartsWith("/fhir/ServiceRequest/", StringComparison.Ordinal) => referralId.ToString(),
        "code" => "demo-camp-1",
        "clientId" => "agency-a-system",
        _ when schema?["format"]?.GetValue<string>() == "uuid" => Unknown.ToString(),
        "id" or "deadLetterId" or "attachmentId" => Unknown.ToString(),
        _ => OpenApiOperations.PlausibleValue(name, schema) is var value && value.Length == 36 ? Unknown.ToString() : value,
    };

    /// <summary>Agency A records consent and refers the case; routing offers it to agency B (waited for, bounded).</summary>
    private async Task<Guid> SeedAsync()
    {
        using var api = await hub.ClientForAsync("agency-a-system", "agency-a-secret");
        var consent = await api.PostAsJsonAsync("/api/v1/consents", new
        {
            caseCode = CaseCode,
            givenBy = "child-consent",
            givenOn = DateTime.UtcNow.ToString("yyyy-MM-dd"),
            participateInCaseManagement = true,
            collectAndStore = true,
            sharing = new[] { "mental-health" },
            oneOff = false,
            validUntil = DateTimeOffset.UtcNow.AddDays(365),
        });
        Assert.True(consent.StatusCode == HttpStatusCode.Created, await consent.Content.ReadAsStringAsync());
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/api/v1/referrals")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["caseCode"] = CaseCode,
                ["priority"] = "high",
                ["serviceType"] = "specialised-mhpss",
                ["areaCode"] = "demo-camp-1",
                ["consent"] = new JsonObject { ["given"] = true },
                ["reasonForReferral"] = "Matrix probe.",
            }),
        };
        submit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var submitted = await api.SendAsync(submit);
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var attempt = 0; attempt < 200; attempt++) // a hang guard, not a speed check
        {
            var status = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/referrals/{id}")).GetProperty("status").GetString();
            if (status == "offered") return id;
            Assert.True(status is "submitted", $"the seeded referral became {status}, not offered");
            await Task.Delay(100);
        }
        throw new TimeoutException("the seeded referral was not offered within 20 s");
    }

    private const string Header =
        "# Who may call what: operation, caller, ok (2xx) / denied (401, 403, 404) / refused (other 4xx).\n" +
        "# Written by AuthorizationMatrixTests with REFERRALHUB_WRITE_AUTH_MATRIX=1; review every change to it.\n";

    private static string SourceTablePath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "authorization-matrix.tsv");
}
