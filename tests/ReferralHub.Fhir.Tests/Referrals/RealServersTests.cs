using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Fhir.Tests.Support;
using ReferralHub.Testing;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Referrals;

/// <summary>
/// The FHIR flow with the hub on a real RabbitMQ broker and real PostgreSQL databases (the distributed mode's transport
/// and storage), and two providers' answers racing through Task updates: exactly one wins.
/// </summary>
[Collection(TestCollections.Servers)]
public sealed class RealServersTests(RabbitMqServer rabbit, PostgresServer postgres) : IAsyncLifetime
{
    private static readonly string[] Services = ["gateway", "directory", "consent", "referrals", "transfers", "portal"];
    private FhirHub _hub = null!;

    public async System.Threading.Tasks.Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var vhost = await rabbit.CreateVirtualHostAsync($"fhir-{suffix}");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = vhost.ToString() };
        foreach (var service in Services) settings[$"ConnectionStrings:{service}"] = postgres.ConnectionStringFor($"{service}_fhir_{suffix}");
        _hub = new FhirHub { Settings = settings };
        await _hub.InitializeAsync();
    }

    public async System.Threading.Tasks.Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async System.Threading.Tasks.Task Nadia_and_racing_answers_work_over_RabbitMQ_and_PostgreSQL()
    {
        await FhirFlows.NadiaAsync(_hub, "PG-FHIR-NADIA");

        var referrer = await _hub.ReferrerAsync();
        await referrer.CreateAsync(FhirData.ConsentForm("PG-FHIR-RACE", ["mental-health"]));
        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction("PG-FHIR-RACE", "pg-fhir-race"));
        var id = response!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id;
        var offered = await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);

        // Two focal points answer the same version at once: one accepts, one declines; exactly one is recorded.
        var first = await _hub.ProviderAsync();
        var second = await _hub.ProviderAsync();
        var accept = (FhirTask)offered.DeepCopy();
        accept.Status = FhirTask.TaskStatus.Accepted;
        var decline = (FhirTask)offered.DeepCopy();
        decline.Status = FhirTask.TaskStatus.Rejected;
        decline.StatusReason = new CodeableConcept(ReferralHub.Fhir.FhirSystems.DeclineReason, "no-capacity");
        var outcomes = await System.Threading.Tasks.Task.WhenAll(Attempt(() => first.UpdateAsync(accept, versionAware: true)),
            Attempt(() => second.UpdateAsync(decline, versionAware: true)));
        Assert.Single(outcomes, o => o == HttpStatusCode.OK);
        Assert.Single(outcomes, o => o is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed);
    }

    private static async Task<HttpStatusCode> Attempt(Func<Task<FhirTask?>> update)
    {
        try
        {
            await update();
            return HttpStatusCode.OK;
        }
        catch (FhirOperationException ex)
        {
            return ex.Status;
        }
    }
}
