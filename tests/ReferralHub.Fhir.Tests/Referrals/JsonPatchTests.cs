using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using ReferralHub.Fhir.Tests.Support;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Referrals;

/// <summary>
/// JSON Patch (RFC 6902, application/json-patch+json: the body and media type fhir-kit-client's patch() sends) on a
/// Task, next to FHIRPath Patch: same elements, same lifecycle rules, refusals as OperationOutcomes naming the element,
/// If-Match honoured; a refused patch changes nothing.
/// </summary>
public sealed class JsonPatchTests(FhirHub hub) : IClassFixture<FhirHub>
{
    private async Task<string> OfferedAsync(string caseCode)
    {
        var referrer = await hub.ReferrerAsync();
        await referrer.CreateAsync(FhirData.ConsentForm(caseCode, ["mental-health"]));
        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction(caseCode, caseCode.ToLowerInvariant()));
        var id = response!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id;
        await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);
        return id;
    }

    private static async Task<(HttpStatusCode Status, Resource Body, HttpResponseMessage Response)> PatchAsync(HttpClient client, string id, string patch, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Task/{id}") { Content = new StringContent(patch, Encoding.UTF8, "application/json-patch+json") };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await client.SendAsync(request);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, FhirHub.ParseStrict(await response.Content.ReadAsStringAsync()), response);
    }

    private static string Expression(Resource body) => string.Join(",", Assert.IsType<OperationOutcome>(body).Issue.SelectMany(i => i.Expression));

    [Fact]
    public async System.Threading.Tasks.Task A_provider_accepts_starts_and_completes_with_json_patch()
    {
        var id = await OfferedAsync("FHIR-JP-FLOW");
        using var provider = await hub.RawAsync("agency-b-system", "agency-b-secret");

        var (status, body, response) = await PatchAsync(provider, id, """[{"op":"test","path":"/status","value":"received"},{"op":"replace","path":"/status","value":"accepted"}]""");
        Assert.Equal(HttpStatusCode.OK, status);
        var accepted = Assert.IsType<FhirTask>(body);
        Assert.Equal(FhirTask.TaskStatus.Accepted, accepted.Status);
        Assert.Equal($"W/\"{accepted.Meta.VersionId}\"", response.Headers.ETag?.ToString());

        (status, body, _) = await PatchAsync(provider, id,
            """[{"op":"replace","path":"/status","value":"in-progress"},{"op":"add","path":"/executionPeriod","value":{"start":"2026-11-20"}}]""",
            ifMatch: $"W/\"{accepted.Meta.VersionId}\"");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2026-11-20", Assert.IsType<FhirTask>(body).ExecutionPeriod.Start);

        (status, body, _) = await PatchAsync(provider, id, """
            [{"op":"replace","path":"/status","value":"completed"},
             {"op":"add","path":"/executionPeriod/end","value":"2026-11-22"},
             {"op":"add","path":"/output","value":[{"type":{"coding":[{"system":"TASK-OUTPUT","code":"details"}]},"valueString":"Four sessions."}]},
             {"op":"add","path":"/output/-","value":{"type":{"coding":[{"system":"TASK-OUTPUT","code":"child-satisfaction"}]},"valueCoding":{"system":"SATISFACTION","code":"medium"}}}]
            """.Replace("TASK-OUTPUT", ReferralHub.Fhir.FhirSystems.TaskOutput, StringComparison.Ordinal).Replace("SATISFACTION", ReferralHub.Fhir.FhirSystems.Satisfaction, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, status);
        var completed = Assert.IsType<FhirTask>(body);
        Assert.Equal(FhirTask.TaskStatus.Completed, completed.Status);
        Assert.Equal("2026-11-22", completed.ExecutionPeriod.End);
        Assert.Equal("Four sessions.", ((FhirString)completed.Output.Single(o => o.Type.Coding[0].Code == "details").Value).Value);
        Assert.Equal("medium", ((Coding)completed.Output.Single(o => o.Type.Coding[0].Code == "child-satisfaction").Value).Code);
    }

    [Fact]
    public async System.Threading.Tasks.Task Refused_json_patches_name_the_element_and_change_nothing()
    {
        var id = await OfferedAsync("FHIR-JP-BAD");
        using var provider = await hub.RawAsync("agency-b-system", "agency-b-secret");
        var version = (await (await hub.ProviderAsync()).ReadAsync<FhirTask>($"Task/{id}"))!.Meta.VersionId;

        var owner = await PatchAsync(provider, id, """[{"op":"replace","path":"/owner","value":{"reference":"Organization/x"}}]""");
        Assert.Equal((HttpStatusCode)422, owner.Status);
        Assert.Contains("Task.owner", Expression(owner.Body));

        var failedTest = await PatchAsync(provider, id, """[{"op":"test","path":"/status","value":"accepted"},{"op":"replace","path":"/status","value":"accepted"}]""");
        Assert.Equal((HttpStatusCode)422, failedTest.Status);
        Assert.Contains("Task.status", Expression(failedTest.Body));

        var badValue = await PatchAsync(provider, id, """[{"op":"replace","path":"/status","value":"sleeping"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, badValue.Status);

        var noReason = await PatchAsync(provider, id, """[{"op":"replace","path":"/status","value":"rejected"}]""");
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Contains("Task.statusReason", Expression(noReason.Body));

        var outOfOrder = await PatchAsync(provider, id, """[{"op":"replace","path":"/status","value":"completed"}]""");
        Assert.Equal(HttpStatusCode.Conflict, outOfOrder.Status);

        var move = await PatchAsync(provider, id, """[{"op":"move","from":"/status","path":"/statusReason"}]""");
        Assert.Equal((HttpStatusCode)422, move.Status);

        var notAnArray = await PatchAsync(provider, id, """{"op":"replace","path":"/status","value":"accepted"}""");
        Assert.Equal(HttpStatusCode.BadRequest, notAnArray.Status);

        var missing = await PatchAsync(provider, id, """[{"op":"remove","path":"/statusReason"}]""");
        Assert.Equal((HttpStatusCode)422, missing.Status);
        Assert.Contains("Task.statusReason", Expression(missing.Body));

        var stale = await PatchAsync(provider, id, """[{"op":"replace","path":"/status","value":"accepted"}]""", ifMatch: "W/\"999\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);

        var unchanged = await (await hub.ProviderAsync()).ReadAsync<FhirTask>($"Task/{id}");
        Assert.Equal(FhirTask.TaskStatus.Received, unchanged!.Status);
        Assert.Equal(version, unchanged.Meta.VersionId);
    }
}
