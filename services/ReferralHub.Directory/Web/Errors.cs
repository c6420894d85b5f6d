using Microsoft.AspNetCore.Http.HttpResults;

namespace ReferralHub.Directory.Web;

/// <summary>Collects field errors and turns them into a problem details response naming each field.</summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public Errors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public void Require(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, "is required");
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max) Add(field, $"must be at most {max} characters");
    }

    /// <summary>400 for malformed input, 422 for input that names something unknown or unusable (a retired service…).</summary>
    public ProblemHttpResult Problem(int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(new HttpValidationProblemDetails(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()))
        {
            Status = status,
            Title = status == StatusCodes.Status422UnprocessableEntity
                ? "The request refers to something that does not exist or cannot be used."
                : "The request has invalid fields.",
        });
}
