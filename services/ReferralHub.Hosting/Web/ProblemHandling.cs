using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Turns a client's malformed request (unreadable JSON, a wrong type in a field, a value over its bound, a bad form,
/// an unknown charset, a body over the limit, a bad route value) into a 4xx naming the field, instead of a 500, in the
/// caller's format (<see cref="Refusals"/>). Never echoes the body: it may hold a child's data.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Classify(exception) is not var (status, detail, field)) return false;

        logger.LogInformation("Refused unreadable request to {Path} with {Status}: {Reason}", httpContext.Request.Path, status, exception.GetType().Name);
        return await Refusals.WriteAsync(httpContext, status,
            status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.", detail, field);
    }

    internal static (int Status, string Detail, string? Field)? Classify(Exception exception)
    {
        var bound = Find<InputBoundException>(exception);
        var json = Find<JsonException>(exception);
        var path = json?.Path is { Length: > 0 } p ? p.TrimStart('$').TrimStart('.') : null;
        if (bound is not null)
        {
            // The path points at the object the property belongs to ($.cases[3]); name the property itself.
            var field = string.IsNullOrEmpty(path) ? bound.Property : $"{path}.{bound.Property}";
            return (StatusCodes.Status400BadRequest, bound.Message, field);
        }
        switch (exception)
        {
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return (bad.StatusCode, "The body is over this endpoint's limit (docs/api.md, Bounds).", "body");
            case BadHttpRequestException bad:
                var parameter = BoundParameter().Match(bad.Message) is { Success: true } m ? m.Groups[1].Value : null;
                return (bad.StatusCode, path is null ? "The request body or a parameter is not in the expected format." : "The value is not valid for its field.",
                    path ?? parameter ?? "body");
            case InvalidDataException:
                // FormReader/FormPipeReader: a NUL or a value over FormOptions' limits in a form (e.g. /connect/token).
                return (StatusCodes.Status400BadRequest, "The form is not well formed or a value is over its limit.", null);
            case InvalidOperationException when exception.Message.Contains("charset", StringComparison.OrdinalIgnoreCase)
                                                  && exception.InnerException is ArgumentException:
                return (StatusCodes.Status415UnsupportedMediaType, "Bodies are read as UTF-8; send charset=utf-8 or no charset.", "Content-Type");
        }
        if (json is not null) return (StatusCodes.Status400BadRequest, "The value is not valid for its field.", path);
        return null;
    }

    /// <summary>Minimal APIs' binding failure names the parameter as <c>parameter "Guid id"</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("parameter \"[^\" ]+ ([A-Za-z0-9_]+)\"")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
            if (current is T found) return found;
        return null;
    }
}
