using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Support;

/// <summary>
/// Nadia's referral (seed 000) end to end in FHIR with Firely's FhirClient: consent as a FHIR Consent, ServiceRequest +
/// Task in a transaction, the provider sees the minimal summary, accepts, starts and completes through the Task, and
/// the referrer reads the outcome. Run on the embedded hub and on RabbitMQ + PostgreSQL.
/// </summary>
public static class FhirFlows
{
    /// <summary>Runs Nadia's flow on <paramref name="hub"/> under <paramref name="caseCode"/>; returns the referral id.</summary>
    public static async System.Threading.Tasks.Task<string> NadiaAsync(FhirHub hub, string caseCode)
    {
        var referrer = await hub.ReferrerAsync();
        var provider = await hub.ProviderAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var consent = await referrer.CreateAsync(FhirData.ConsentForm(caseCode, ["mental-health"], "caseHistory"));
        Assert.Equal(caseCode, consent!.Id);
        Assert.Equal("1", consent.Meta.VersionId);
        var stored = await referrer.ReadAsync<Hl7.Fhir.Model.Consent>($"Consent/{caseCode}");
        Assert.Contains(stored!.Provision.Provision, p => p.Class.Any(c => c.Code == "caseHistory") && p.Type == Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny);

        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction(caseCode, caseCode.ToLowerInvariant()));
        Assert.Equal(Bundle.BundleType.TransactionResponse, response!.Type);
        var created = response.Entry.Single(e => e.Resource is ServiceRequest);
        Assert.StartsWith("201", created.Response.Status);
        var id = created.Resource.Id;
        Assert.Equal($"Task/{id}", response.Entry.Single(e => e.Resource is FhirTask).Response.Location.Split("/_history")[0]);

        // Routed along demo-camp-1's pathway to agency B, which has received it (offered) with a response deadline.
        var offered = await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);
        Assert.Equal("agency-b", offered.Owner.Identifier.Value);
        Assert.Equal("offered", offered.BusinessStatus.Coding[0].Code);
        Assert.NotNull(offered.Restriction?.Period?.End);
        Assert.Equal($"ServiceRequest/{id}", offered.Focus.Reference);

        // The provider's inbox as a Task search, and the minimal summary before acceptance: no name, no case code, no narrative.
        var inbox = await provider.SearchAsync<FhirTask>(["status=received", $"owner={offered.Owner.Reference}", "_count=50"]);
        Assert.Contains(inbox!.Entry, e => e.Resource.Id == id);
        Assert.All(inbox.Entry, e => Assert.Equal(offered.Owner.Reference, ((FhirTask)e.Resource).Owner.Reference));
        var summary = await provider.ReadAsync<ServiceRequest>($"ServiceRequest/{id}");
        var child = summary!.Contained.OfType<Patient>().Single();
        Assert.Empty(child.Name);
        Assert.Empty(child.Identifier);
        Assert.Null(child.BirthDate);
        Assert.Equal(AdministrativeGender.Female, child.Gender);
        Assert.Equal("15-17", child.GetExtensionValue<Coding>(ReferralHub.Fhir.FhirSystems.AgeBandExtension).Code);
        Assert.Empty(summary.Note);
        Assert.Empty(summary.ReasonCode);
        Assert.DoesNotContain("Nadia", provider.LastBodyAsText);
        Assert.DoesNotContain(caseCode, provider.LastBodyAsText);

        // Accept: PUT the Task with status accepted; consent is checked again and the need-to-know payload released.
        var task = await provider.ReadAsync<FhirTask>($"Task/{id}");
        task!.Status = FhirTask.TaskStatus.Accepted;
        var accepted = await provider.UpdateAsync(task);
        Assert.Equal(FhirTask.TaskStatus.Accepted, accepted!.Status);
        var released = await provider.ReadAsync<ServiceRequest>($"ServiceRequest/{id}");
        Assert.Equal("Nadia", released!.Contained.OfType<Patient>().Single().Name.Single().Given.First());
        Assert.Contains(released.Note, n => n.Text.Contains("nightmares", StringComparison.Ordinal));
        Assert.DoesNotContain("hometown", provider.LastBodyAsText); // withheld by the consent

        // Start with FHIRPath Patch, complete with PUT and the Services Provided form as Task.output.
        var patch = FhirData.Patch(
            FhirData.PatchOperation("replace", "Task.status", null, new Code("in-progress")),
            FhirData.PatchOperation("add", "Task", "executionPeriod", new Period { Start = "2026-11-20" }));
        var started = await provider.PatchAsync(new Uri($"Task/{id}", UriKind.Relative), patch) as FhirTask;
        Assert.Equal(FhirTask.TaskStatus.InProgress, started!.Status);
        Assert.Equal("2026-11-20", started.ExecutionPeriod.Start);

        started.Status = FhirTask.TaskStatus.Completed;
        started.ExecutionPeriod.End = "2026-11-22";
        started.Output.Add(Output("details", new FhirString("Six sessions with the psychologist.")));
        started.Output.Add(Output("follow-up-recommendations", new FhirString("Check sleep at the next home visit.")));
        started.Output.Add(Output("child-satisfaction", new Coding(ReferralHub.Fhir.FhirSystems.Satisfaction, "high")));
        var completed = await provider.UpdateAsync(started);
        Assert.Equal(FhirTask.TaskStatus.Completed, completed!.Status);

        // The referrer reads the outcome: the Task and its output, the ServiceRequest completed, history in versions.
        var outcome = await referrer.ReadAsync<FhirTask>($"Task/{id}");
        Assert.Equal(FhirTask.TaskStatus.Completed, outcome!.Status);
        Assert.Equal("completed", outcome.BusinessStatus.Coding[0].Code);
        Assert.Contains(outcome.BusinessStatus.Coding, c => c.System == ReferralHub.Fhir.FhirSystems.BserTaskBusinessStatus && c.Code == "7.0");
        Assert.Equal("2026-11-22", outcome.ExecutionPeriod.End);
        Assert.Equal("Six sessions with the psychologist.", ((FhirString)OutputValue(outcome, "details")).Value);
        Assert.Equal("high", ((Coding)OutputValue(outcome, "child-satisfaction")).Code);
        Assert.Equal("agency-a", outcome.Requester.Identifier.Value);
        var request = await referrer.ReadAsync<ServiceRequest>($"ServiceRequest/{id}");
        Assert.Equal(RequestStatus.Completed, request!.Status);
        Assert.Equal(caseCode, request.Contained.OfType<Patient>().Single().Identifier.Single().Value);

        // Polling: the referrer's Tasks changed since before the flow include this one, completed.
        var changed = await referrer.SearchAsync<FhirTask>([$"_lastUpdated=gt{before:yyyy-MM-ddTHH:mm:ssZ}", "status=completed"]);
        Assert.Contains(changed!.Entry, e => e.Resource.Id == id);
        var later = await referrer.SearchAsync<FhirTask>([$"_lastUpdated=gt{DateTimeOffset.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}"]);
        Assert.Empty(later!.Entry);
        return id;
    }

    private static FhirTask.OutputComponent Output(string type, DataType value) =>
        new() { Type = new CodeableConcept(ReferralHub.Fhir.FhirSystems.TaskOutput, type), Value = value };

    private static DataType OutputValue(FhirTask task, string type) =>
        task.Output.Single(o => o.Type.Coding.Any(c => c.Code == type)).Value;
}
