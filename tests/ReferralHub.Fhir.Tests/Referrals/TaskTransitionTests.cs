using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Fhir.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Referrals;

/// <summary>
/// Task updates obey the same lifecycle and roles as the REST API; every refusal is an OperationOutcome with the right
/// HTTP status, and the Task is unchanged afterwards.
/// </summary>
public sealed class TaskTransitionTests(FhirHub hub) : IClassFixture<FhirHub>
{
    private async Task<(FhirClient Referrer, FhirClient Provider, string Id)> OfferedAsync(string caseCode)
    {
        var referrer = await hub.ReferrerAsync();
        var provider = await hub.ProviderAsync();
        await referrer.CreateAsync(FhirData.ConsentForm(caseCode, ["mental-health"]));
        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction(caseCode, caseCode.ToLowerInvariant()));
        var id = response!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id;
        await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);
        return (referrer, provider, id);
    }

    private static async System.Threading.Tasks.Task<FhirOperationException> RefusedAsync(FhirClient client, string id, FhirTask.TaskStatus status, HttpStatusCode expected,
        Action<FhirTask>? change = null)
    {
        var task = await client.ReadAsync<FhirTask>($"Task/{id}");
        task!.Status = status;
        change?.Invoke(task);
        var error = await Assert.ThrowsAsync<FhirOperationException>(() => client.UpdateAsync(task));
        Assert.Equal(expected, error.Status);
        Assert.NotNull(error.Outcome);
        Assert.All(error.Outcome.Issue, i => Assert.Equal(OperationOutcome.IssueSeverity.Error, i.Severity));
        return error;
    }

    [Fact]
    public async System.Threading.Tasks.Task Steps_out_of_order_and_by_the_wrong_party_are_refused()
    {
        var (referrer, provider, id) = await OfferedAsync("FHIR-ILLEGAL");

        await RefusedAsync(provider, id, FhirTask.TaskStatus.Completed, HttpStatusCode.Conflict);   // complete before accepting
        await RefusedAsync(provider, id, FhirTask.TaskStatus.InProgress, HttpStatusCode.Conflict);  // start before accepting
        await RefusedAsync(referrer, id, FhirTask.TaskStatus.Accepted, HttpStatusCode.Forbidden);   // only the provider answers
        await RefusedAsync(provider, id, FhirTask.TaskStatus.Cancelled, HttpStatusCode.Forbidden);  // only the referrer withdraws
        var coordinator = await hub.ClientAsync("coordinator-system", "coordinator-secret");
        var hidden = await Assert.ThrowsAsync<FhirOperationException>(() => coordinator.ReadAsync<FhirTask>($"Task/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);                                          // another agency: it does not exist
        var noReason = await RefusedAsync(provider, id, FhirTask.TaskStatus.Rejected, HttpStatusCode.BadRequest);
        Assert.Contains("Task.statusReason", noReason.Outcome.Issue[0].Expression);
        var unused = await RefusedAsync(provider, id, FhirTask.TaskStatus.OnHold, (HttpStatusCode)422);
        Assert.Contains("Task.status", unused.Outcome.Issue[0].Expression);
        Assert.Equal(FhirTask.TaskStatus.Received, (await provider.ReadAsync<FhirTask>($"Task/{id}"))!.Status);

        var task = await provider.ReadAsync<FhirTask>($"Task/{id}");
        task!.Status = FhirTask.TaskStatus.Accepted;
        await provider.UpdateAsync(task);
        await RefusedAsync(provider, id, FhirTask.TaskStatus.Completed, HttpStatusCode.Conflict);   // complete before starting
        await RefusedAsync(provider, id, FhirTask.TaskStatus.Received, HttpStatusCode.Conflict);    // no way back
        await RefusedAsync(provider, id, FhirTask.TaskStatus.Rejected, HttpStatusCode.Conflict,     // decline after accepting
            t => t.StatusReason = new CodeableConcept(ReferralHub.Fhir.FhirSystems.DeclineReason, "no-capacity"));
        Assert.Equal(FhirTask.TaskStatus.Accepted, (await provider.ReadAsync<FhirTask>($"Task/{id}"))!.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_stale_version_is_refused_with_412_and_a_repeated_answer_changes_nothing()
    {
        var (_, provider, id) = await OfferedAsync("FHIR-VERSION");
        var task = await provider.ReadAsync<FhirTask>($"Task/{id}");
        task!.Status = FhirTask.TaskStatus.Accepted;
        var accepted = await provider.UpdateAsync(task, versionAware: true);
        Assert.NotEqual(task.Meta.VersionId, accepted!.Meta.VersionId);

        // The same update again with the old version: someone changed it meanwhile.
        var stale = await Assert.ThrowsAsync<FhirOperationException>(() => provider.UpdateAsync(task, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        // Without a version, repeating the answer is harmless: the Task already is accepted.
        var again = await provider.UpdateAsync(task);
        Assert.Equal(accepted.Meta.VersionId, again!.Meta.VersionId);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_decline_with_a_reason_is_seen_by_the_referrer_and_the_referrer_can_withdraw()
    {
        var (referrer, provider, id) = await OfferedAsync("FHIR-DECLINE");
        var patch = FhirData.Patch(
            FhirData.PatchOperation("replace", "Task.status", null, new Code("rejected")),
            FhirData.PatchOperation("add", "Task", "statusReason", new CodeableConcept(ReferralHub.Fhir.FhirSystems.DeclineReason, "no-capacity") { Text = "Waiting list is full." }));
        var rejected = await provider.PatchAsync(new Uri($"Task/{id}", UriKind.Relative), patch) as FhirTask;
        Assert.Equal(FhirTask.TaskStatus.Rejected, rejected!.Status);
        Assert.Equal("no-capacity", rejected.StatusReason.Coding[0].Code);

        // The demo pathway does not re-offer: the referral ends unplaced, which the referrer sees as the business status.
        var seen = await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Rejected);
        Assert.Contains(seen.BusinessStatus.Coding[0].Code, new[] { "declined", "unplaced" });

        var withdraw = await referrer.ReadAsync<FhirTask>($"Task/{id}");
        withdraw!.Status = FhirTask.TaskStatus.Cancelled;
        withdraw.StatusReason = new CodeableConcept(ReferralHub.Fhir.FhirSystems.WithdrawReason, "service-found-elsewhere");
        var cancelled = await referrer.UpdateAsync(withdraw);
        Assert.Equal(FhirTask.TaskStatus.Cancelled, cancelled!.Status);
        Assert.Equal("service-found-elsewhere", cancelled.StatusReason.Coding[0].Code);
    }

    [Fact]
    public async System.Threading.Tasks.Task Unsupported_patches_and_mismatched_ids_are_client_errors()
    {
        var (_, provider, id) = await OfferedAsync("FHIR-PATCH");
        var patch = FhirData.Patch(FhirData.PatchOperation("replace", "Task.owner", null, new ResourceReference("Organization/x")));
        var error = await Assert.ThrowsAsync<FhirOperationException>(() => provider.PatchAsync(new Uri($"Task/{id}", UriKind.Relative), patch));
        Assert.Equal((HttpStatusCode)422, error.Status);

        using var raw = await hub.RawAsync("agency-b-system", "agency-b-secret");
        var body = new StringContent($$"""{"resourceType":"Task","id":"{{Guid.NewGuid()}}","status":"accepted","intent":"order"}""", Encoding.UTF8, "application/fhir+json");
        var mismatch = await raw.PutAsync($"/fhir/Task/{id}", body);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal("application/fhir+json", mismatch.Content.Headers.ContentType?.MediaType);
        Assert.IsType<OperationOutcome>(FhirHub.ParseStrict(await mismatch.Content.ReadAsStringAsync()));
    }
}
