using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Turns a client's malformed request (unreadable JSON, a wrong type in a field, a bad route value) into a 400 problem
/// naming the field, instead of a 500. Never echoes the body: it may hold a child's data.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        var json = FindJsonException(bad);
        var problem = new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = "The request could not be read.",
            Detail = json?.Path is { Length: > 0 } path
                ? $"The value at '{path}' is not valid for its field."
                : "The request body or a parameter is not in the expected format.",
            Type = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        };
        if (json?.Path is { Length: > 0 } field) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field.TrimStart('$', '.')] = ["invalid value"] };

        logger.LogInformation("Rejected unreadable request to {Path}: {Reason}", httpContext.Request.Path, exception.GetType().Name);
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
            if (current is JsonException json) return json;
        return null;
    }
}
