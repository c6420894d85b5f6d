using Microsoft.AspNetCore.Http.HttpResults;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Collects field errors keyed by the field's JSON path (<c>caregiver.phone</c>, <c>cases[3]</c>) or parameter name,
/// for one answer that names every wrong field at once. Every service validates with this one collector and answers
/// with <see cref="ToProblem"/>: 400, <c>errors</c> keyed by field (docs/api-conventions.md, Errors).
/// </summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    public IEnumerable<string> Fields => _errors.Keys;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>Adds every error of another collector (e.g. a nested part validated on its own).</summary>
    public FieldErrors AddAll(FieldErrors other)
    {
        foreach (var (field, messages) in other._errors)
            foreach (var message in messages) Add(field, message);
        return this;
    }

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Require(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(field, "is required");
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max) Add(field, $"must be at most {max} characters");
    }

    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = false)
    {
        if (value is null) { if (required) Add(field, "is required"); return; }
        if (!allowed.Contains(value)) Add(field, $"must be one of: {string.Join(", ", allowed)}");
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public ValidationProblem ToProblem() => Problems.Invalid(this);
}
