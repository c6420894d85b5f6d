using ReferralHub.Contracts.Taxonomy;
using System.Globalization;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Referrals;
using Task = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// The referral's lifecycle as a FHIR Task (the BSeR / 360X pattern): one Task per referral, same id as its
/// ServiceRequest. FHIR's status says where it is, businessStatus the hub's own status (with overdue), statusReason
/// why (decline, withdrawal or consent reason), output the Services Provided form.
/// </summary>
public static class TaskMapping
{
    /// <summary>Task.output types (code system task-output).</summary>
    public static class Outputs
    {
        public const string StartedOn = "started-on";
        public const string CompletedOn = "completed-on";
        public const string Details = "details";
        public const string FollowUpRecommendations = "follow-up-recommendations";
        public const string ProvidedBy = "provided-by";
        public const string ChildSatisfaction = "child-satisfaction";
        public const string ChildSuggestions = "child-suggestions";
        public const string CaregiverSatisfaction = "caregiver-satisfaction";
        public const string CaregiverSuggestions = "caregiver-suggestions";
    }

    public static Task.TaskStatus Status(string status) => status switch
    {
        ReferralStatuses.Submitted => Task.TaskStatus.Requested,
        ReferralStatuses.Offered => Task.TaskStatus.Received,
        ReferralStatuses.Accepted => Task.TaskStatus.Accepted,
        ReferralStatuses.InService => Task.TaskStatus.InProgress,
        ReferralStatuses.Completed => Task.TaskStatus.Completed,
        ReferralStatuses.Declined or ReferralStatuses.Unplaced => Task.TaskStatus.Rejected,
        ReferralStatuses.Withdrawn or ReferralStatuses.BlockedConsent => Task.TaskStatus.Cancelled,
        _ => Task.TaskStatus.Requested,
    };

    /// <summary>The hub statuses a FHIR Task status search matches.</summary>
    public static IReadOnlyList<string> HubStatuses(Task.TaskStatus status) =>
        ReferralStatuses.All.Where(s => Status(s) == status).ToList();

    public static Task FromReferral(ReferralView r, string? requesterAgency)
    {
        var task = new Task
        {
            Id = r.Id.ToString(),
            Meta = ServiceRequestMapping.Meta(r.Version, r.UpdatedAt),
            Status = Status(r.Status),
            Intent = Task.TaskIntent.Order,
            Priority = ServiceRequestMapping.Priority(r.Priority),
            Code = new CodeableConcept("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request"),
            Focus = new ResourceReference($"ServiceRequest/{r.Id}"),
            AuthoredOnElement = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))),
            LastModifiedElement = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc))),
            BusinessStatus = new CodeableConcept(FhirSystems.TaskBusinessStatus, r.Overdue && r.Status == ReferralStatuses.Offered ? "overdue" : r.Status),
        };
        if (Bser(r.Status) is { } bser) task.BusinessStatus.Coding.Add(bser);
        if (requesterAgency is not null)
            task.Requester = new ResourceReference { Identifier = new Identifier(FhirSystems.OrganisationCode, requesterAgency) };
        if (r.ServiceId is { } serviceId)
            task.Owner = new ResourceReference($"HealthcareService/{serviceId}")
            {
                Identifier = r.OrganisationCode is null ? null : new Identifier(FhirSystems.OrganisationCode, r.OrganisationCode),
            };
        if (r.DeadlineAt is { } deadline)
            // The priority's response deadline (seed 000): the provider should answer by then.
            task.Restriction = new Task.RestrictionComponent
            {
                Period = new Period { EndElement = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc))) },
            };

        var reason = r.Status is ReferralStatuses.Declined or ReferralStatuses.Unplaced ? r.Decline?.Reason ?? r.Reason : r.Reason;
        if (reason is not null && task.Status is Task.TaskStatus.Rejected or Task.TaskStatus.Cancelled)
        {
            var system = r.Decline?.Reason == reason ? FhirSystems.DeclineReason
                : WithdrawReasons.All.Contains(reason) ? FhirSystems.WithdrawReason : FhirSystems.StatusReason;
            task.StatusReason = new CodeableConcept(system, reason) { Text = r.Decline?.Reason == reason ? r.Decline.Details : null };
        }

        if (r.Service is { } service)
        {
            if (service.StartedOn is not null || service.CompletedOn is not null)
                task.ExecutionPeriod = new Period { Start = Date(service.StartedOn), End = Date(service.CompletedOn) };
            AddOutput(task, Outputs.StartedOn, service.StartedOn is { } s ? new Date(Date(s)) : null);
            AddOutput(task, Outputs.CompletedOn, service.CompletedOn is { } c ? new Date(Date(c)) : null);
            AddOutput(task, Outputs.Details, Text(service.Report?.Details));
            AddOutput(task, Outputs.FollowUpRecommendations, Text(service.Report?.FollowUpRecommendations));
            AddOutput(task, Outputs.ProvidedBy, Text(service.Report?.ProvidedBy?.Name));
            AddOutput(task, Outputs.ChildSatisfaction, service.ChildSatisfaction is { } cs ? new Coding(FhirSystems.Satisfaction, cs) : null);
            AddOutput(task, Outputs.ChildSuggestions, Text(service.Report?.ChildSuggestions));
            AddOutput(task, Outputs.CaregiverSatisfaction, service.CaregiverSatisfaction is { } gs ? new Coding(FhirSystems.Satisfaction, gs) : null);
            AddOutput(task, Outputs.CaregiverSuggestions, Text(service.Report?.CaregiverSuggestions));
        }
        return task;
    }

    /// <summary>The same state in BSeR's Task business status code system (STU1), where one matches exactly.</summary>
    private static Coding? Bser(string status) => status switch
    {
        ReferralStatuses.Submitted or ReferralStatuses.Offered => new Coding(FhirSystems.BserTaskBusinessStatus, "2.0", "Service Request Created"),
        ReferralStatuses.Accepted => new Coding(FhirSystems.BserTaskBusinessStatus, "3.0", "Service Request Accepted"),
        ReferralStatuses.Declined or ReferralStatuses.Unplaced => new Coding(FhirSystems.BserTaskBusinessStatus, "4.0", "Service Request Declined"),
        ReferralStatuses.Completed => new Coding(FhirSystems.BserTaskBusinessStatus, "7.0", "Service Request Fulfillment Completed"),
        _ => null,
    };

    private static FhirString? Text(string? value) => string.IsNullOrEmpty(value) ? null : new FhirString(value);

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void AddOutput(Task task, string type, DataType? value)
    {
        if (value is null) return;
        task.Output.Add(new Task.OutputComponent { Type = new CodeableConcept(FhirSystems.TaskOutput, type), Value = value });
    }

    public static DataType? Output(Task task, string type) =>
        task.Output.FirstOrDefault(o => o.Type?.Coding.Any(c => c.System == FhirSystems.TaskOutput && c.Code == type) == true)?.Value;
}
