using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Testing.Hub;
using Task = System.Threading.Tasks.Task;

namespace ReferralHub.Fhir.Tests.Support;

/// <summary>
/// The embedded hub (Development, demo data) on a real Kestrel port: the FHIR facade calls the hub's REST APIs over
/// HTTP at its own address, exactly as it does when run with `dotnet run`.
/// </summary>
public class FhirHub : EmbeddedHubFactory
{
    public FhirHub() => UseKestrel(0);

    public Uri BaseAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal));

    public Uri FhirBase => new(BaseAddress, "fhir");

    /// <summary>
    /// Firely's own client with the SDK's STRICT serialization engine: every resource the server returns is parsed
    /// strictly and validated against the R4 base definitions (ValidatingHandler), so a response that is not valid FHIR R4 fails the test.
    /// </summary>
    public FhirClient Client(string? token)
    {
        var http = new HttpClient(new ValidatingHandler());
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new FhirClient(FhirBase, http, new FhirClientSettings
        {
            PreferredFormat = ResourceFormat.Json,
            SerializationEngine = StrictEngine,
            ReturnPreference = ReturnPreference.Representation,
            VerifyFhirVersion = false,
        });
    }

    public async Task<FhirClient> ClientAsync(string clientId, string secret) => Client(await TokenAsync(clientId, secret));

    public Task<FhirClient> ReferrerAsync() => ClientAsync("agency-a-system", "agency-a-secret");

    public Task<FhirClient> ProviderAsync() => ClientAsync("agency-b-system", "agency-b-secret");

    public async Task<HttpClient> RawAsync(string? clientId = null, string? secret = null)
    {
        var http = new HttpClient(new ValidatingHandler()) { BaseAddress = BaseAddress };
        if (clientId is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(clientId, secret!));
        return http;
    }

    public static readonly IFhirSerializationEngine StrictEngine = FhirSerializationEngineFactory.Strict(ModelInfo.ModelInspector);

    /// <summary>Parses a body with the SDK's strict engine (throws when it is not valid FHIR R4 JSON).</summary>
    public static Resource ParseStrict(string json) => StrictEngine.DeserializeFromJson(json)!;

    /// <summary>Reads the Task until it has <paramref name="status"/> (the hub routes asynchronously; a hang guard, not a speed check).</summary>
    public static async Task<Hl7.Fhir.Model.Task> WaitForTaskAsync(FhirClient client, string id, Hl7.Fhir.Model.Task.TaskStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Hl7.Fhir.Model.Task? task = null;
        while (DateTime.UtcNow < deadline)
        {
            task = await client.ReadAsync<Hl7.Fhir.Model.Task>($"Task/{id}");
            if (task!.Status == status) return task;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"Task/{id} stayed {task?.Status}, expected {status}.");
    }
}
