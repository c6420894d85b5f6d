using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Transfers.Model;
using ReferralHub.Transfers.Persistence;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Transfers;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Transfers.Tests.Infrastructure;

/// <summary>
/// The embedded hub with the clients a transfer needs beyond the demo ones: agency-d (a case management agency of
/// demo-district, the receiver), agency-a's supervisor (the demo client's id with a test secret; four eyes are two
/// identities, so the referring system holds no supervisor role) and agency-c as an outsider. Its clock is manual.
/// </summary>
public class TransferHub : EmbeddedHubFactory
{
    public const string Receiver = "agency-d-system";
    public const string Supervisor2 = "agency-a-supervisor";
    public const string Outsider = "agency-c-system";
    public const string Secret = "test-secret-123";

    public TransferHub(params string[] agenciesRequiringApproval)
    {
        AddClient(0, Receiver, "agency-d", "referrer");
        AddClient(1, Supervisor2, "agency-a", "supervisor");
        AddClient(2, Outsider, "agency-c", "referrer", "provider");
        for (var i = 0; i < agenciesRequiringApproval.Length; i++) Settings[$"Transfers:AgenciesRequiringApproval:{i}"] = agenciesRequiringApproval[i];
        ConfigureTestServices = services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
        };
    }

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// Serve on a real Kestrel port (call before the hub starts): the FHIR facade and the portal call the hub's REST
    /// API over HTTP at the host's own address, so reading them needs a real server, as with `dotnet run`.
    /// </summary>
    public TransferHub OnKestrel()
    {
        // People sign in to the portal at the gateway's public address: it must be this host's.
        UseKestrelOnPublicAddress();
        return this;
    }

    /// <summary>The Kestrel address (after <see cref="OnKestrel"/>), loopback.</summary>
    public Uri BaseAddress => PublicAddress;

    /// <summary>
    /// The CaseResponsibilityTransferred messages the transfer service published for a transfer (its outbox rows),
    /// waiting until they were handed to the bus. Exactly one row means exactly one publication: the dispatcher sends a
    /// row once and marks it sent.
    /// </summary>
    public async Task<List<OutboxMessage>> ResponsibilityMessagesAsync(Guid transferId)
    {
        for (var i = 0; ; i++)
        {
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TransfersDbContext>();
            var rows = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.AggregateId == transferId.ToString() && m.MessageType.Contains(nameof(CaseResponsibilityTransferred)))
                .ToListAsync();
            if (i >= 100 || (rows.Count > 0 && rows.All(r => r.SentAt != null))) return rows;
            await Task.Delay(100);
        }
    }

    /// <summary>The receiving agency's case record of an acknowledged transfer (the transfer service's own table).</summary>
    public async Task<CaseRecord> ReceivedCaseAsync(Guid transferId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransfersDbContext>();
        return await db.Cases.AsNoTracking().SingleAsync(c => c.TransferId == transferId && c.Status == CaseRecord.ReceivedByTransfer);
    }

    private void AddClient(int index, string clientId, string agency, params string[] roles)
    {
        Settings[$"Auth:Clients:{index}:ClientId"] = clientId;
        Settings[$"Auth:Clients:{index}:ClientSecret"] = Secret;
        Settings[$"Auth:Clients:{index}:Agency"] = agency;
        for (var i = 0; i < roles.Length; i++) Settings[$"Auth:Clients:{index}:Roles:{i}"] = roles[i];
    }

    public Task<HttpClient> SenderAsync() => ClientForAsync("agency-a-system", "agency-a-secret");

    public Task<HttpClient> ClientAsync(string clientId) => ClientForAsync(clientId, Secret);
}

/// <summary>The calls an agency's system makes.</summary>
public static class TransferApi
{
    public static string NewCase() => $"T-{Guid.NewGuid():N}"[..20];

    public static object Request(string caseCode, string? receivingAgency = "agency-d", Dictionary<string, string>? summary = null, string area = "demo-district") => new
    {
        caseCode,
        reason = "child-moved",
        reasonText = "Family moved to the district centre.",
        receivingAgency,
        areaCode = area,
        urgency = "medium",
        capacity = new { ageBand = "10-14", sex = "female", protectionConcerns = new[] { "child-marriage-risk" }, riskLevel = "high", languages = new[] { "ar" } },
        summary,
    };

    public static async Task<JsonElement> RequestAsync(this HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/transfers", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"request: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> OkAsync(this Task<HttpResponseMessage> call, string what)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<HttpResponseMessage> ConfirmAsync(this HttpClient receiver, Guid id, string caseworker = "cw-17") =>
        receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/capacity", new { decision = "confirm", caseworkerId = caseworker });

    public static async Task RecordTransferConsentAsync(this HttpClient sender, string caseCode, TimeProvider clock, object[]? withholds = null, string[]? sharing = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["caseCode"] = caseCode,
            ["givenBy"] = "caregiver",
            ["givenOn"] = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1).ToString("yyyy-MM-dd"),
            ["participateInCaseManagement"] = true,
            ["collectAndStore"] = true,
            ["sharing"] = sharing ?? ["case-transfer"],
            ["oneOff"] = false,
            ["validUntil"] = clock.GetUtcNow().AddDays(180),
            ["withholds"] = withholds,
        };
        var response = await sender.PostAsJsonAsync("/api/v1/consents", body);
        Assert.True(response.IsSuccessStatusCode, $"consent: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static Guid Id(this JsonElement transfer) => transfer.GetProperty("id").GetGuid();

    public static string Status(this JsonElement transfer) => transfer.GetProperty("status").GetString()!;

    public static async Task<JsonElement> GetAsync(this HttpClient client, Guid id) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/transfers/{id}");

    /// <summary>Waits (without asserting any duration) until a message-driven change is visible.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(this HttpClient client, Guid id, string status)
    {
        JsonElement transfer = default;
        for (var i = 0; i < 300; i++)
        {
            transfer = await client.GetAsync(id);
            if (transfer.Status() == status) return transfer;
            await Task.Delay(100);
        }
        Assert.Fail($"transfer {id} stayed {transfer.Status()}, expected {status}");
        return transfer;
    }

    public static IEnumerable<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name) : [];
}
