namespace ReferralHub.Transfers.Web;

/// <summary>Problem details (RFC 9457) the transfer endpoints answer with; field errors name the JSON field.</summary>
internal static class Problems
{
    public static IResult Invalid(Dictionary<string, string[]> errors, int status = StatusCodes.Status422UnprocessableEntity) =>
        Results.ValidationProblem(errors, title: "The request has errors; nothing was stored.", statusCode: status);

    public static IResult Invalid(string field, string message) => Invalid(new() { [field] = [message] });

    /// <summary>The same answer for "no such transfer" and "another agency's transfer", so ids cannot be probed.</summary>
    public static IResult NotFound() =>
        TypedResults.Problem(title: "No such transfer for your agency.", statusCode: StatusCodes.Status404NotFound);

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(title: "The transfer is not in a state that allows this.", detail: detail, statusCode: StatusCodes.Status409Conflict);

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(title: "You may not do this.", detail: detail, statusCode: StatusCodes.Status403Forbidden);
}

/// <summary>Collects field errors keyed by JSON path.</summary>
internal sealed class FieldErrors
{
    public Dictionary<string, string[]> All { get; } = new(StringComparer.Ordinal);

    public bool Any => All.Count > 0;

    public void Add(string field, string message) =>
        All[field] = All.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
}
