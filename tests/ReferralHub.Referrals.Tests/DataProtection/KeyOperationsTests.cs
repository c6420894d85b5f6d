using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.DataProtection;

/// <summary>
/// Evacuation and retention (seeds 001/004): destroying a case's or an agency's keys leaves its stored personal data
/// unreadable — every protected value in the database is scanned — while codes, statuses and the history remain.
/// </summary>
public sealed class KeyOperationsTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    private Task<(Guid Id, JsonElement Offered)> SubmitOfferedAsync(HttpClient referrer, string caseCode, string marker) => KeyScan.SubmitOfferedAsync(hub, referrer, caseCode, marker);

    private Task<string> ReadableTextAsync(string agency, string caseCode) => KeyScan.ReadableTextAsync(hub, agency, caseCode);

    private async Task<int> ProtectedValueCountAsync() => (await KeyScan.ProtectedValuesAsync(hub)).Count;

    [Fact]
    public async Task Evacuating_a_case_through_the_operator_api_makes_its_stored_data_unreadable_and_keeps_codes_statuses_and_history()
    {
        var referrer = hub.ClientFor("agency-k1", Roles.Referrer);
        var (evacuated, before) = await SubmitOfferedAsync(referrer, "CASE-K1-EVAC", "Marker-K1-Evac");
        var (kept, _) = await SubmitOfferedAsync(referrer, "CASE-K1-KEEP", "Marker-K1-Keep");
        Assert.Contains("Marker-K1-Evac", await ReadableTextAsync("agency-k1", "CASE-K1-EVAC"));

        var response = await hub.ClientFor("hub", Roles.Operator).PostAsJsonAsync("/ops/keys/evacuations", new { agency = "agency-k1", caseCode = "CASE-K1-EVAC" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("agency:agency-k1/case:CASE-K1-EVAC", result.GetProperty("scope").GetString());
        Assert.Equal(1, result.GetProperty("keys").GetInt32());
        var readable = await ReadableTextAsync("agency-k1", "CASE-K1-EVAC");
        Assert.DoesNotContain("Marker-K1-Evac", readable);
        Assert.True(await ProtectedValueCountAsync() > 0); // the ciphertext is still stored, only unreadable
        var after = await GetAsync(referrer, evacuated);
        Assert.Equal("CASE-K1-EVAC", after.GetProperty("caseCode").GetString());
        Assert.Equal("offered", after.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("payload").ValueKind);
        Assert.Equal(before.GetProperty("history").GetArrayLength(), after.GetProperty("history").GetArrayLength());
        // The other case of the same agency is untouched.
        Assert.Contains("Marker-K1-Keep", await ReadableTextAsync("agency-k1", "CASE-K1-KEEP"));
        Assert.Equal("Marker-K1-Keep", (await GetAsync(referrer, kept)).GetProperty("payload").GetProperty("child").GetProperty("firstName").GetString());
        Assert.DoesNotContain(hub.Logs.Lines, line => line.Contains("Marker-K1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Evacuating_an_agency_with_the_host_verb_destroys_every_case_of_it()
    {
        var referrer = hub.ClientFor("agency-k2", Roles.Referrer);
        await SubmitOfferedAsync(referrer, "CASE-K2-A", "Marker-K2-A");
        await SubmitOfferedAsync(referrer, "CASE-K2-B", "Marker-K2-B");
        var output = new StringWriter();

        var exit = await KeyCommands.RunAsync(hub.Services, ["evacuate", "--agency", "agency-k2"], output);

        Assert.Equal(0, exit);
        Assert.Contains("destroyed 2 keys of scope agency:agency-k2", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Marker-K2-A", await ReadableTextAsync("agency-k2", "CASE-K2-A"));
        Assert.DoesNotContain("Marker-K2-B", await ReadableTextAsync("agency-k2", "CASE-K2-B"));
    }

    [Fact]
    public async Task Rotating_the_key_ring_rewraps_every_data_key_and_everything_stays_readable()
    {
        var referrer = hub.ClientFor("agency-k4", Roles.Referrer);
        await SubmitOfferedAsync(referrer, "CASE-K4", "Marker-K4");
        var ring = Path.Combine(hub.DataDirectory, "keys", "data-protection");
        var ringKeys = System.IO.Directory.GetFiles(ring, "key-*.xml").Length;

        var response = await hub.ClientFor("hub", Roles.Operator).PostAsync("/ops/keys/ring-rotations", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dataKeysRewrapped").GetInt32() > 0);
        Assert.Equal(ringKeys + 1, System.IO.Directory.GetFiles(ring, "key-*.xml").Length);
        Assert.Contains("Marker-K4", await ReadableTextAsync("agency-k4", "CASE-K4"));
    }

    [Theory]
    [InlineData("{}", "agency")]
    [InlineData("""{"agency":"agency-k5","caseCode":" "}""", "caseCode")]
    public async Task An_evacuation_without_a_valid_scope_is_refused_naming_the_field_and_destroys_nothing(string body, string field)
    {
        var keysBefore = await KeyCountAsync();
        var response = await hub.ClientFor("hub", Roles.Operator).PostAsync("/ops/keys/evacuations",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(keysBefore, await KeyCountAsync());
    }

    [Fact]
    public async Task Only_operators_may_destroy_keys()
    {
        var response = await hub.ClientFor("agency-k6", Roles.Referrer, Roles.Supervisor).PostAsJsonAsync("/ops/keys/evacuations", new { agency = "agency-k6" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<int> KeyCountAsync()
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<ReferralsDbContext>().ProtectionKeys.Count();
    }
}

/// <summary>Retention moves the module's clock years ahead: a host of its own, so no other test sees that.</summary>
public sealed class RetentionTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    private Task<(Guid Id, JsonElement Offered)> SubmitOfferedAsync(HttpClient referrer, string caseCode, string marker) => KeyScan.SubmitOfferedAsync(hub, referrer, caseCode, marker);

    private Task<string> ReadableTextAsync(string agency, string caseCode) => KeyScan.ReadableTextAsync(hub, agency, caseCode);

    [Fact]
    public async Task Retention_destroys_the_keys_of_cases_closed_longer_than_three_years_only()
    {
        var referrer = hub.ClientFor("agency-k3", Roles.Referrer);
        var provider = hub.ClientFor("agency-b", Roles.Provider);
        var (closed, _) = await SubmitOfferedAsync(referrer, "CASE-K3-CLOSED", "Marker-K3-Closed");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, closed, "accept")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, closed, "start", new { startedOn = "2022-09-18" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, closed, "complete", CompleteForm)).StatusCode);
        await SubmitOfferedAsync(referrer, "CASE-K3-OPEN", "Marker-K3-Open");
        var operatorClient = hub.ClientFor("hub", Roles.Operator);

        // Closed two years ago: kept.
        hub.Clock.Advance(TimeSpan.FromDays(2 * 365));
        var early = await (await operatorClient.PostAsync("/ops/keys/retention", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(early.EnumerateArray(), d => d.GetProperty("scope").GetString()!.Contains("agency-k3", StringComparison.Ordinal));
        Assert.Contains("Marker-K3-Closed", await ReadableTextAsync("agency-k3", "CASE-K3-CLOSED"));

        // Past three years: destroyed; the case still open is kept however old it is.
        hub.Clock.Advance(TimeSpan.FromDays(1 * 365 + 2));
        var response = await operatorClient.PostAsync("/ops/keys/retention", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var destroyed = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(destroyed.EnumerateArray(), d => d.GetProperty("scope").GetString() == "agency:agency-k3/case:CASE-K3-CLOSED");
        Assert.DoesNotContain("Marker-K3-Closed", await ReadableTextAsync("agency-k3", "CASE-K3-CLOSED"));
        Assert.Contains("Marker-K3-Open", await ReadableTextAsync("agency-k3", "CASE-K3-OPEN"));
        var after = await GetAsync(referrer, closed);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal("CASE-K3-CLOSED", after.GetProperty("caseCode").GetString());
        Assert.NotEqual(0, after.GetProperty("history").GetArrayLength());
    }
}

/// <summary>Reads a referrals database the way someone holding it (and the key ring) could.</summary>
internal static class KeyScan
{
    public static async Task<(Guid Id, JsonElement Offered)> SubmitOfferedAsync(ModuleHost hub, HttpClient referrer, string caseCode, string marker)
    {
        hub.World.Consents[caseCode] = new FakeConsent(true);
        var body = NadiaReferral(caseCode);
        body["child"]!["firstName"] = marker;
        var id = await SubmitOkAsync(referrer, body);
        return (id, await WaitForStatusAsync(referrer, id, "offered"));
    }

    /// <summary>
    /// Every protected value stored anywhere in the referrals database, decrypted under the case's scope where its key
    /// still exists: what a person with the database and the key ring could read about the case.
    /// </summary>
    public static async Task<string> ReadableTextAsync(ModuleHost hub, string agency, string caseCode)
    {
        var protector = hub.Services.GetRequiredService<IPersonalDataProtector<ReferralsDbContext>>();
        var scope = ProtectionScopes.Case(agency, caseCode);
        var readable = new List<string>();
        foreach (var value in await ProtectedValuesAsync(hub))
        {
            try
            {
                if (await protector.UnprotectAsync(scope, value) is { } text) readable.Add(text);
            }
            catch (CryptographicException)
            {
                // another case's value (bound to its own scope)
            }
        }
        return string.Join("\n", readable);
    }

    public static async Task<List<string>> ProtectedValuesAsync(ModuleHost hub)
    {
        var values = new List<string>();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(hub.DataDirectory, "referrals.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (reader.GetValue(i) is string text && text.StartsWith("pd1:", StringComparison.Ordinal)) values.Add(text);
        }
        return values;
    }
}
