using System.Net;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace ReferralHub.Fhir.Web;

/// <summary>An answer other than success, carried as an OperationOutcome with its HTTP status.</summary>
public sealed class FhirException(int status, OperationOutcome outcome) : Exception(outcome.Issue.FirstOrDefault()?.Diagnostics)
{
    public int Status { get; } = status;

    public OperationOutcome Outcome { get; } = outcome;

    public static FhirException Of(int status, OperationOutcome.IssueType code, string diagnostics, params string[] expression) =>
        new(status, Outcomes.Single(OperationOutcome.IssueSeverity.Error, code, diagnostics, expression));

    /// <summary>400: the request is not valid FHIR or not something this server can map (names the FHIR element).</summary>
    public static FhirException Invalid(string expression, string diagnostics) =>
        Of((int)HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, diagnostics, expression);

    /// <summary>422: well-formed, but breaks a rule of the hub (e.g. an unknown service type).</summary>
    public static FhirException Unprocessable(string expression, string diagnostics) =>
        Of(422, OperationOutcome.IssueType.BusinessRule, diagnostics, expression);

    public static FhirException NotFound(string diagnostics) => Of(404, OperationOutcome.IssueType.NotFound, diagnostics);
}

public static class Outcomes
{
    public static OperationOutcome Single(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string diagnostics, params string[] expression) =>
        new()
        {
            Issue =
            [
                new OperationOutcome.IssueComponent
                {
                    Severity = severity,
                    Code = code,
                    Diagnostics = diagnostics,
                    Expression = [.. expression],
                },
            ],
        };

    /// <summary>The issue type that matches an HTTP status answered by one of the hub's REST APIs.</summary>
    public static OperationOutcome.IssueType IssueFor(int status) => status switch
    {
        400 => OperationOutcome.IssueType.Invalid,
        401 => OperationOutcome.IssueType.Login,
        403 => OperationOutcome.IssueType.Forbidden,
        404 => OperationOutcome.IssueType.NotFound,
        409 => OperationOutcome.IssueType.BusinessRule,
        412 => OperationOutcome.IssueType.Conflict,
        413 => OperationOutcome.IssueType.TooCostly,
        415 => OperationOutcome.IssueType.NotSupported,
        422 => OperationOutcome.IssueType.BusinessRule,
        503 or 504 => OperationOutcome.IssueType.Transient,
        _ => OperationOutcome.IssueType.Exception,
    };
}
