using ReferralHub.Contracts.Taxonomy;
using System.Globalization;
using System.Security.Claims;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Fhir.Web;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// The referral's Task: read, search (polling), and the provider's and referrer's answers as Task updates (PUT, or
/// PATCH with FHIRPath Patch). Each status change is one call of the REST API as the caller, so its rules apply.
/// </summary>
internal static class TaskEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Task/{id}", ReadAsync).WithName("FhirReadTask");
        fhir.MapGet("/Task", SearchAsync).WithName("FhirSearchTasks");
        fhir.MapPut("/Task/{id}", UpdateAsync).WithName("FhirUpdateTask");
        fhir.MapPatch("/Task/{id}", PatchAsync).WithName("FhirPatchTask");
    }

    private static async Task<IResult> ReadAsync(string id, HubApi api, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        new FhirResult(ToTask(await ReferralEndpoints.ReadReferralAsync(api, id, cancellationToken), user));

    /// <summary>The referring agency sees itself as requester; a provider is not told which agency referred.</summary>
    public static FhirTask ToTask(ReferralView referral, ClaimsPrincipal user) =>
        TaskMapping.FromReferral(referral, referral.CaseCode is not null ? user.Agency() : null);

    // ---- search -------------------------------------------------------------------------------------------------------

    private static async Task<IResult> SearchAsync(HttpRequest http, HubApi api, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var query = http.Query;
        var statuses = new HashSet<FhirTask.TaskStatus>();
        foreach (var value in query["status"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            var parsed = Hl7.Fhir.Utility.EnumUtility.ParseLiteral<FhirTask.TaskStatus>(value.Trim());
            if (parsed is null) throw FhirException.Invalid("status", $"'{value}' is not a Task status.");
            statuses.Add(parsed.Value);
        }
        var owners = query["owner"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(o => o.StartsWith("HealthcareService/", StringComparison.Ordinal) ? o["HealthcareService/".Length..] : o)
            .Select(o => Guid.TryParse(o, out var g) ? g : throw FhirException.Invalid("owner", "Search by owner=HealthcareService/{id}."))
            .ToHashSet();
        var search = FhirSearch.Parse(http, ReferralSearch.DefaultCount, ReferralSearch.MaxCount, ["status", "owner", .. ReferralSearch.Shared]);
        var what = new ReferralQuery("Task", [.. statuses.SelectMany(TaskMapping.HubStatuses)], referral =>
        {
            var task = ToTask(referral, user);
            if (statuses.Count > 0 && !statuses.Contains(task.Status!.Value)) return null;
            if (owners.Count > 0 && !(referral.ServiceId is { } s && owners.Contains(s))) return null;
            return task;
        });
        return await ReferralSearch.RunAsync(http, api, user, search, what, cancellationToken);
    }

    // ---- updates ------------------------------------------------------------------------------------------------------

    private static async Task<IResult> UpdateAsync(string id, HttpRequest http, HubApi api, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        var desired = await FhirJson.ReadAsync<FhirTask>(http, cancellationToken);
        if (desired.Id is { } bodyId && bodyId != id) throw FhirException.Invalid("Task.id", "The Task's id must match the URL.");
        if (desired.Id is null) throw FhirException.Invalid("Task.id", "An update carries the Task's id.");
        var current = await ReferralEndpoints.ReadReferralAsync(api, id, cancellationToken);
        CheckVersion(http, current);
        return new FhirResult(ToTask(await ApplyAsync(api, clock, current, desired, user, cancellationToken), user));
    }

    /// <summary>
    /// PATCH with FHIRPath Patch (a Parameters resource: replace Task.status, add/replace Task.statusReason,
    /// executionPeriod, output) or JSON Patch (application/json-patch+json, on the same elements). Either way the patched
    /// Task is applied exactly like a PUT.
    /// </summary>
    private static async Task<IResult> PatchAsync(string id, HttpRequest http, HubApi api, ClaimsPrincipal user, TimeProvider clock, CancellationToken cancellationToken)
    {
        var text = await FhirJson.ReadTextAsync(http, cancellationToken, FhirJson.MediaType, "application/json", TaskJsonPatch.MediaType);
        var jsonPatch = string.Equals(http.ContentType?.Split(';')[0].Trim(), TaskJsonPatch.MediaType, StringComparison.OrdinalIgnoreCase);
        var fhirPathPatch = jsonPatch ? null
            : FhirJson.Parse(text) as Parameters ?? throw FhirException.Invalid("resourceType", "A FHIRPath Patch is a Parameters resource (or send a JSON Patch as application/json-patch+json).");
        var current = await ReferralEndpoints.ReadReferralAsync(api, id, cancellationToken);
        CheckVersion(http, current);
        var desired = ToTask(current, user);
        if (fhirPathPatch is not null) FhirPathPatch.Apply(desired, fhirPathPatch);
        else desired = TaskJsonPatch.Apply(desired, text);
        return new FhirResult(ToTask(await ApplyAsync(api, clock, current, desired, user, cancellationToken), user));
    }

    private static void CheckVersion(HttpRequest http, ReferralView current)
    {
        var ifMatch = http.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0) return;
        var version = ifMatch.Replace("W/", "", StringComparison.Ordinal).Trim('"', ' ');
        if (version != current.Version.ToString(CultureInfo.InvariantCulture))
            throw FhirException.Of(412, OperationOutcome.IssueType.Conflict, $"The Task is at version {current.Version}, not {version}; read it again.");
    }

    /// <summary>One status change = one REST call as the caller; the referral service decides whether it is allowed.</summary>
    private static async Task<ReferralView> ApplyAsync(HubApi api, TimeProvider clock, ReferralView current, FhirTask desired, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var from = ToTask(current, user).Status;
        var to = desired.Status ?? throw FhirException.Invalid("Task.status", "Required.");
        if (to == from) return current; // nothing to do: a repeated update answers the Task as it is
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var path = $"api/v1/referrals/{current.Id}";
        switch (to)
        {
            case FhirTask.TaskStatus.Accepted:
                await api.PostAsync<ReferralView>($"{path}/accept", new { }, cancellationToken);
                break;
            case FhirTask.TaskStatus.Rejected:
                var decline = desired.StatusReason?.Coding.FirstOrDefault(c => c.System == FhirSystems.DeclineReason) ?? desired.StatusReason?.Coding.FirstOrDefault();
                if (decline?.Code is null)
                    throw FhirException.Invalid("Task.statusReason", $"A decline needs a reason: a coding from {FhirSystems.DeclineReason} ({string.Join(", ", DeclineReasons.All)}); details in statusReason.text.");
                await api.PostAsync<ReferralView>($"{path}/decline", new { reason = decline.Code, details = desired.StatusReason!.Text }, cancellationToken);
                break;
            case FhirTask.TaskStatus.InProgress:
                var started = DateOf(TaskMapping.Output(desired, TaskMapping.Outputs.StartedOn)) ?? DateOf(desired.ExecutionPeriod?.StartElement) ?? today;
                await api.PostAsync<ReferralView>($"{path}/start", new { startedOn = started }, cancellationToken);
                break;
            case FhirTask.TaskStatus.Completed:
                await api.PostAsync<ReferralView>($"{path}/complete", Completion(desired, today), cancellationToken);
                break;
            case FhirTask.TaskStatus.Cancelled:
                var withdraw = desired.StatusReason?.Coding.FirstOrDefault(c => c.System == FhirSystems.WithdrawReason)?.Code ?? "other";
                await api.PostAsync<ReferralView>($"{path}/withdraw", new { reason = withdraw }, cancellationToken);
                break;
            case FhirTask.TaskStatus.Requested or FhirTask.TaskStatus.Received:
                throw FhirException.Of(409, OperationOutcome.IssueType.BusinessRule,
                    $"The Task is {Literal(from)}; it cannot go back to {Literal(to)}.");
            default:
                throw FhirException.Of(422, OperationOutcome.IssueType.NotSupported,
                    $"Task status '{Literal(to)}' is not used by the hub: accepted, rejected, in-progress, completed or cancelled.", "Task.status");
        }
        return await api.GetAsync<ReferralView>(path, cancellationToken);
    }

    private static CompleteRequest Completion(FhirTask task, DateOnly today)
    {
        string? Text(string type) => TaskMapping.Output(task, type) switch
        {
            FhirString s => s.Value,
            Markdown m => m.Value,
            _ => null,
        };
        string? Code(string type) => TaskMapping.Output(task, type) switch
        {
            Coding c => c.Code,
            CodeableConcept cc => cc.Coding.FirstOrDefault()?.Code,
            Code code => code.Value,
            FhirString s => s.Value,
            _ => null,
        };
        var started = DateOf(TaskMapping.Output(task, TaskMapping.Outputs.StartedOn)) ?? DateOf(task.ExecutionPeriod?.StartElement);
        var completed = DateOf(TaskMapping.Output(task, TaskMapping.Outputs.CompletedOn)) ?? DateOf(task.ExecutionPeriod?.EndElement) ?? today;
        var providedBy = Text(TaskMapping.Outputs.ProvidedBy);
        return new CompleteRequest
        {
            StartedOn = started,
            CompletedOn = completed,
            Details = Text(TaskMapping.Outputs.Details),
            FollowUpRecommendations = Text(TaskMapping.Outputs.FollowUpRecommendations),
            ProvidedBy = providedBy is null ? null : new ProviderFocalPoint { Name = providedBy },
            ChildSatisfaction = Code(TaskMapping.Outputs.ChildSatisfaction),
            ChildSuggestions = Text(TaskMapping.Outputs.ChildSuggestions),
            CaregiverSuggestions = Text(TaskMapping.Outputs.CaregiverSuggestions),
            CaregiverSatisfaction = Code(TaskMapping.Outputs.CaregiverSatisfaction),
        };
    }

    private static DateOnly? DateOf(DataType? value)
    {
        var text = value switch
        {
            Date d => d.Value,
            FhirDateTime dt => dt.Value,
            _ => null,
        };
        if (text is null || text.Length < 10) return null;
        return DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    private static string Literal(FhirTask.TaskStatus? status) => status is { } s ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(s) ?? s.ToString() : "unknown";
}

