using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// A limit on sign-in attempts per client address (ASP.NET Core's rate limiter; <c>RateLimits:SignIn</c>), on top of
/// the per-account lockout: the lockout stops guessing one person's password, this stops one address trying a common
/// password on many accounts. Only POSTs count; reading the page is free. Over the limit: 429 with Retry-After and a
/// short page, before any password is hashed.
/// </summary>
public static class PortalSignInLimit
{
    public const string Policy = "portal-sign-in";

    public static IHostApplicationBuilder AddPortalSignInLimit(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("RateLimits:SignIn");
        var permits = section.GetValue("PermitLimit", 30);
        var window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", 60));
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Policy, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("read"));
            options.OnRejected = WriteTooManyAsync;
        });
        return builder;
    }

    private static async ValueTask WriteTooManyAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PortalSignInLimit))
            .LogInformation("Sign-in attempts over the limit; refused for {Seconds} s", seconds);
        var text = context.RequestServices.GetRequiredService<IStringLocalizer<PortalText>>();
        var title = WebUtility.HtmlEncode(text["TooMany.Title"]);
        var body = WebUtility.HtmlEncode(text["TooMany.Body", seconds]);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"{System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{title}</title><link rel=\"stylesheet\" href=\"{PortalStyles.Path}\"></head><body><main><h1>{title}</h1><p role=\"alert\">{body}</p>" +
            $"<p><a href=\"/account/sign-in\">{WebUtility.HtmlEncode(text["SignIn.Title"])}</a></p></main></body></html>", cancellationToken);
    }
}
