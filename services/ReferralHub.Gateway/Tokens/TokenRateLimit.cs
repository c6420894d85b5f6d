using System.Globalization;
using System.Threading.RateLimiting;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Gateway.Tokens;

/// <summary>
/// A limit on <c>POST /connect/token</c> per client address (<c>RateLimits:Token</c>; the .NET rate limiter's fixed
/// window). It runs first in the pipeline, before OpenIddict reads the form and hashes the client secret, so a flood
/// of token requests costs the gateway almost nothing. Over the limit: 429, Retry-After, and the OAuth2 error object
/// (<c>temporarily_unavailable</c>). Tokens last an hour, so a well-behaved client asks a few times an hour.
/// </summary>
internal sealed class TokenRateLimit(IConfiguration configuration, ILogger<TokenRateLimit> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var section = configuration.GetSection("RateLimits:Token");
        var permits = section.GetValue("PermitLimit", 120);
        var window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", 60));
        var limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
        app.Use(async (context, nextStep) =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || !Refusals.IsToken(context))
            {
                await nextStep(context);
                return;
            }
            using var lease = limiter.AttemptAcquire(context);
            if (lease.IsAcquired)
            {
                await nextStep(context);
                return;
            }
            var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : (int)window.TotalSeconds;
            logger.LogInformation("Token requests over the limit; refused for {Seconds} s", seconds);
            // Refusals clears the headers before writing: add Retry-After as the answer starts.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            await Refusals.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
                $"Too many token requests from this address; retry after {seconds} seconds.", oauthError: "temporarily_unavailable");
        });
        next(app);
    };
}
