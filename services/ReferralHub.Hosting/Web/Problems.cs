using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// The problem details (RFC 9457) every REST endpoint answers with, one wording and one status per kind of refusal,
/// so an integrator handles each kind once for the whole hub (docs/api-conventions.md, Errors):
/// <list type="bullet">
/// <item>400 <see cref="Invalid(FieldErrors)"/>: one or more fields are wrong (missing, malformed, too long, not in
/// the code list, naming something the hub does not know); <c>errors</c> names each field;</item>
/// <item>403 <see cref="Forbidden"/>: the caller is known but may not do this; the detail says what is needed;</item>
/// <item>404 <see cref="NotFound"/>: no such thing for this caller (also when it belongs to another agency, so ids cannot be probed);</item>
/// <item>409 <see cref="Conflict"/>: the thing is not in a state that allows this, or changed since it was read;</item>
/// <item>410 <see cref="Gone"/>, 413 <see cref="TooLarge"/> where an endpoint stores documents;</item>
/// <item>503 <see cref="Unavailable"/>: a hub service did not answer; retry.</item>
/// </list>
/// Never a child's data in a title or detail; values a client sent are cut to an excerpt centrally (ServiceDefaults).
/// </summary>
public static class Problems
{
    public const string InvalidTitle = "The request has invalid fields; nothing was changed.";
    public const string NotFoundTitle = "Not found.";
    public const string ConflictTitle = "Not in a state that allows this.";
    public const string ForbiddenTitle = "You may not do this.";
    public const string UnavailableTitle = "A hub service did not answer; retry.";

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new FieldErrors().Add(field, message));

    public static ValidationProblem Invalid(FieldErrors errors) =>
        TypedResults.ValidationProblem(errors.ToDictionary(), title: InvalidTitle, type: Refusals.TypeFor(StatusCodes.Status400BadRequest));

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: InvalidTitle, type: Refusals.TypeFor(StatusCodes.Status400BadRequest));

    /// <summary><paramref name="detail"/> says what was not found, e.g. "No such referral for this caller."</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: NotFoundTitle);

    /// <summary><paramref name="type"/> names a kind of conflict a client may branch on (e.g. <c>urn:referralhub:consent-denied</c>).</summary>
    public static ProblemHttpResult Conflict(string detail, string title = ConflictTitle, string? type = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title, type: type, extensions: extensions);

    /// <summary>
    /// <paramref name="detail"/> says what the caller lacks (a role, an agency, an area); <paramref name="neededRoles"/>,
    /// when given, are also listed in <c>neededRoles</c> so a client can tell its operator which role to grant.
    /// </summary>
    public static ProblemHttpResult Forbidden(string detail, params string[] neededRoles) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: ForbiddenTitle,
            extensions: neededRoles.Length == 0 ? null : new Dictionary<string, object?> { ["neededRoles"] = neededRoles });

    /// <summary>413: a body over this endpoint's limit; <c>errors</c> names <c>body</c> like the request guard's 413.</summary>
    public static ProblemHttpResult TooLarge(long maxBytes) =>
        TypedResults.Problem($"At most {maxBytes} bytes are accepted here.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.",
            type: Refusals.TypeFor(StatusCodes.Status413PayloadTooLarge),
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = [$"At most {maxBytes} bytes."] } });

    /// <summary>410: it existed but was destroyed (keys destroyed, retention): asking again will not help.</summary>
    public static ProblemHttpResult Gone(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status410Gone, title: "Gone.");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: UnavailableTitle);
}
