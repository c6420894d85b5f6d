using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Consent.Tests.Infrastructure;

/// <summary>
/// The embedded hub with the clients the consent rules need beyond the demo ones: agency-a's supervisor (also a demo
/// client; four eyes are two people, so it holds supervisor only), a second referrer-only caseworker of agency-a, and
/// agency-c's referring system and supervisor as "another agency". Its clock is manual.
/// </summary>
public class ConsentHub : EmbeddedHubFactory
{
    public const string Supervisor2 = "agency-a-supervisor";
    public const string Caseworker = "agency-a-caseworker";
    public const string OtherAgency = "agency-c-system";
    public const string OtherSupervisor = "agency-c-supervisor";
    public const string Secret = "test-secret-123";

    public ConsentHub()
    {
        AddClient(0, Supervisor2, "agency-a", "supervisor");
        AddClient(1, Caseworker, "agency-a", "referrer");
        AddClient(2, OtherAgency, "agency-c", "referrer");
        AddClient(3, OtherSupervisor, "agency-c", "supervisor");
        ConfigureTestServices = services => services.AddSingleton<TimeProvider>(Clock);
    }

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    private void AddClient(int index, string clientId, string agency, params string[] roles)
    {
        Settings[$"Auth:Clients:{index}:ClientId"] = clientId;
        Settings[$"Auth:Clients:{index}:ClientSecret"] = Secret;
        Settings[$"Auth:Clients:{index}:Agency"] = agency;
        for (var i = 0; i < roles.Length; i++) Settings[$"Auth:Clients:{index}:Roles:{i}"] = roles[i];
    }

    public Task<HttpClient> AgencyAAsync() => ClientForAsync("agency-a-system", "agency-a-secret");

    public Task<HttpClient> ClientAsync(string clientId) => ClientForAsync(clientId, Secret);

    /// <summary>A new case of agency-a with a one-off consent to medical referrals, and a release of it to agency-b as the bus asks it.</summary>
    public async Task<(HttpClient Client, string CaseCode, CheckConsent Release)> OneOffReleaseAsync()
    {
        var client = await AgencyAAsync();
        var caseCode = ConsentApi.NewCase();
        await client.RecordAsync(ConsentApi.Consent(caseCode, ["medical"], Clock, oneOff: true));
        return (client, caseCode, new CheckConsent("agency-a", caseCode, "agency-b", "medical", "referral:1", Consume: true, "agency-a-system"));
    }

    /// <summary>One delivery of a bus request with this id, decided as the responder decides it (a scope of its own).</summary>
    public async Task<ConsentDecision> DecideAsync(CheckConsent request, Guid requestId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ReferralHub.Consent.Decisions.ConsentDecider>()
            .DecideAsync(request, requestId, ReferralHub.Consent.Decisions.ConsentDecider.ChannelBus, CancellationToken.None);
    }

    /// <summary>A consent check as another service asks it (over the bus), naming whoever requested the release.</summary>
    public async Task<ConsentDecision> CheckOverBusAsync(CheckConsent check)
    {
        await using var scope = Services.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<CheckConsent>>();
        return (await client.GetResponse<ConsentDecision>(check)).Message;
    }
}

/// <summary>Bodies and calls of the consent API, as an agency's system makes them.</summary>
public static class ConsentApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string NewCase() => $"C-{Guid.NewGuid():N}"[..20];

    public static Dictionary<string, object?> Consent(
        string caseCode, string[] sharing, TimeProvider clock, bool oneOff = false, TimeSpan? validFor = null,
        string[]? organisations = null, object[]? withholds = null) => new()
        {
            ["caseCode"] = caseCode,
            ["givenBy"] = "child-consent",
            ["givenOn"] = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1).ToString("yyyy-MM-dd"),
            ["participateInCaseManagement"] = true,
            ["collectAndStore"] = true,
            ["sharing"] = sharing,
            ["organisations"] = organisations,
            ["oneOff"] = oneOff,
            ["validUntil"] = oneOff && validFor is null ? null : clock.GetUtcNow().Add(validFor ?? TimeSpan.FromDays(365)),
            ["withholds"] = withholds,
        };

    public static async Task<JsonElement> RecordAsync(this HttpClient client, Dictionary<string, object?> consent)
    {
        var response = await client.PostAsJsonAsync("/api/v1/consents", consent);
        Assert.True(response.IsSuccessStatusCode, $"record: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<HttpResponseMessage> PostCheckAsync(
        this HttpClient client, string caseCode, string recipient, string purpose, string reference, bool consume = true) =>
        client.PostAsJsonAsync("/api/v1/consents/check", new { caseCode, recipientOrganisation = recipient, purpose, releaseReference = reference, consume });

    /// <summary>The case's decision log (first page), as its agency reads it.</summary>
    public static async Task<JsonElement[]> DecisionLogAsync(this HttpClient client, string caseCode) =>
        [.. (await client.GetFromJsonAsync<JsonElement>($"/api/v1/consents/{caseCode}/decisions")).GetProperty("items").EnumerateArray()];

    public static async Task<ConsentDecision> CheckAsync(
        this HttpClient client, string caseCode, string recipient, string purpose, string reference, bool consume = true)
    {
        var response = await client.PostCheckAsync(caseCode, recipient, purpose, reference, consume);
        Assert.True(response.IsSuccessStatusCode, $"check: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ConsentDecision>(Json))!;
    }

    public static Task<HttpResponseMessage> OverrideAsync(this HttpClient client, string caseCode, string reference, string ground = "imminent-danger") =>
        client.PostAsJsonAsync("/api/v1/consents/overrides", new { caseCode, releaseReference = reference, ground, justification = "Disclosure of abuse at home; needs shelter tonight." });

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static IEnumerable<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name) : [];
}
