using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// One way to refuse a request, in the format the caller's part of the hub speaks: the OAuth2 error object at
/// <c>/connect/token</c> (RFC 6749 §5.2), an OperationOutcome under <c>/fhir</c>, RFC 9457 problem details elsewhere.
/// </summary>
public static partial class Refusals
{
    public const string TokenPath = "/connect/token";
    public const string FhirPath = "/fhir";

    public static bool IsToken(HttpContext context) => context.Request.Path.StartsWithSegments(TokenPath);
    public static bool IsFhir(HttpContext context) => context.Request.Path.StartsWithSegments(FhirPath);

    /// <summary>
    /// Writes the refusal unless the response has started. <paramref name="field"/> names the offending field or
    /// parameter (never its value). Returns false when nothing could be written.
    /// </summary>
    public static async Task<bool> WriteAsync(HttpContext context, int status, string title, string detail, string? field = null, string? oauthError = null)
    {
        if (context.Response.HasStarted) return false;
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (IsToken(context))
        {
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = oauthError ?? "invalid_request",
                ["error_description"] = field is null ? detail : $"{detail} ({field})",
            }, context.RequestAborted);
            return true;
        }
        if (IsFhir(context))
        {
            await WriteOperationOutcomeAsync(context, status, status == StatusCodes.Status415UnsupportedMediaType ? "not-supported" : status == StatusCodes.Status413PayloadTooLarge ? "too-costly" : "invalid", detail, field);
            return true;
        }

        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeFor(status) };
        if (field is not null) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is not null && await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            return true;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted);
        return true;
    }

    /// <summary>A FHIR OperationOutcome written by hand: this library does not depend on the FHIR SDK.</summary>
    public static async Task WriteOperationOutcomeAsync(HttpContext context, int status, string code, string diagnostics, string? expression = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/fhir+json; charset=utf-8";
        await context.Response.WriteAsync(OperationOutcomeJson(code, diagnostics, expression), context.RequestAborted);
    }

    public static string OperationOutcomeJson(string code, string diagnostics, string? expression = null)
    {
        var issue = new Dictionary<string, object> { ["severity"] = "error", ["code"] = code, ["diagnostics"] = diagnostics };
        if (expression is not null) issue["expression"] = new[] { expression };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["resourceType"] = "OperationOutcome", ["issue"] = new[] { issue } });
    }

    public static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        408 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.9",
        411 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.12",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        414 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.15",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        431 => "https://www.rfc-editor.org/rfc/rfc6585#section-5",
        _ => "about:blank",
    };

    public const int ExcerptLength = 32;
    public const int MessageLength = 300;

    /// <summary>
    /// A client's value as it may appear in an answer: at most <see cref="ExcerptLength"/> characters, with control,
    /// format (bidi) and lone-surrogate characters written as <c>\uXXXX</c>, so a refusal never carries a pasted
    /// narrative back, nor text that reorders or hides what a reader sees.
    /// </summary>
    public static string Excerpt(string? value, int length = ExcerptLength)
    {
        if (string.IsNullOrEmpty(value)) return value ?? "";
        var builder = new StringBuilder(Math.Min(value.Length, length) + 8);
        var taken = 0;
        for (var i = 0; i < value.Length && taken < length; i++, taken++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
                continue;
            }
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse)
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                builder.Append(c);
        }
        if (taken < value.Length && builder.Length > 0 && value.Length > length) builder.Append('…');
        return builder.ToString();
    }

    /// <summary>
    /// Makes a refusal message safe to send back: every quoted value shortened to an excerpt, the whole escaped and
    /// capped. Applied centrally to every problem's title, detail and errors (ServiceDefaults), so a message built as
    /// <c>$"Unknown service type '{value}'"</c> cannot return a 1 MB value.
    /// </summary>
    public static string SafeMessage(string? message)
    {
        if (string.IsNullOrEmpty(message)) return message ?? "";
        if (message.Length > 65_536) message = message[..65_536];
        var shortened = Quoted().Replace(message, m => $"'{Excerpt(m.Groups[1].Value)}'");
        return Excerpt(shortened, MessageLength);
    }

    [GeneratedRegex("'([^']{33,})('|$)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Quoted();
}
