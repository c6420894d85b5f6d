using Microsoft.AspNetCore.Http.HttpResults;

namespace ReferralHub.Referrals.Web;

/// <summary>Problem details (RFC 9457) the referral API answers with; never a child's data in them.</summary>
internal static class Problems
{
    public static ProblemHttpResult NotFound() =>
        TypedResults.Problem("No such referral for this caller.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "The referral is not in a state that allows this");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "A hub service did not answer; retry");

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Invalid(Dictionary<string, string[]> errors) => TypedResults.ValidationProblem(errors);
}

/// <summary>Collects field errors, named by their JSON path.</summary>
public sealed class Errors
{
    public Dictionary<string, string[]> Items { get; } = [];

    public bool Any => Items.Count > 0;

    public void Add(string field, string message) =>
        Items[field] = Items.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max) Add(field, $"at most {max} characters");
    }

    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = false)
    {
        if (value is null) { if (required) Add(field, "required"); return; }
        if (!allowed.Contains(value)) Add(field, $"must be one of: {string.Join(", ", allowed)}");
    }
}
