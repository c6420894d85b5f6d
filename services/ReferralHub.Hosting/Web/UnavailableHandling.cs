using MassTransit;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// A request caught by a dependency that is briefly away (the database restarting or failing over, a service that
/// answers bus requests restarting) is a 503 with <c>Retry-After</c>, not a 500: nothing was changed (the transaction
/// did not commit) and the client's retry is the right move (docs/reliability.md). Logs the exception type only.
/// </summary>
internal sealed class UnavailableExceptionHandler(ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception)) return false;
        logger.LogWarning("Request to {Path} met an unavailable dependency ({Error}); answered 503", httpContext.Request.Path, Innermost(exception).GetType().Name);
        httpContext.Response.Headers.RetryAfter = "5";
        return await Refusals.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable,
            "The hub is briefly unavailable.", "A part of the hub is restarting; nothing was changed. Try again in a few seconds.");
    }

    internal static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres when postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) // shutting down, cannot connect now
                                                     || postgres.SqlState.StartsWith("08", StringComparison.Ordinal): // connection exception
                case NpgsqlException { IsTransient: true }:
                case RequestTimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }

        return false;
    }

    private static Exception Innermost(Exception exception)
    {
        var current = exception;
        while (current.InnerException is not null) current = current.InnerException;
        return current;
    }
}
