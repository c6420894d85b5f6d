using System.Globalization;
using System.Threading.RateLimiting;

namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// First in the pipeline for the identity provider's pages: the browser protections on every answer under
/// <c>/identity</c>, <c>/connect/authorize</c> and <c>/connect/endsession</c> (redirects and refusals included), and a
/// limit on sign-in POSTs per client address (<c>RateLimits:SignIn</c>, the .NET rate limiter's fixed window), on top
/// of the per-account lockout: the lockout stops guessing one person's password, this stops one address trying a
/// common password on many accounts. Over the limit: 429, Retry-After and a short page, before any password is hashed.
/// </summary>
internal sealed class IdentityPagesGuard(IConfiguration configuration, IHostEnvironment environment, ILogger<IdentityPagesGuard> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var section = configuration.GetSection("RateLimits:SignIn");
        var permits = section.GetValue("PermitLimit", 30);
        var window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", 60));
        var limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
        var strictTransport = !environment.IsDevelopment();
        app.Use(async (context, nextStep) =>
        {
            if (!IdentityPages.IsIdentityPath(context.Request.Path))
            {
                await nextStep(context);
                return;
            }
            context.Response.OnStarting(() =>
            {
                IdentityPages.ApplyHeaders(context.Response, strictTransport);
                return Task.CompletedTask;
            });
            if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.StartsWithSegments(SignInPage.Path))
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
            logger.LogInformation("Sign-in attempts over the limit; refused for {Seconds} s", seconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var text = IdentityText.For(context); // from the choice, cookie or Accept-Language: the form is not read
            await IdentityPages.Page(text, text["TooMany.Title"],
                    $"<p class=\"error\" role=\"alert\">{IdentityPages.E(string.Format(CultureInfo.InvariantCulture, text["TooMany.Text"], seconds))}</p>" +
                    $"<p><a href=\"{SignInPage.Path}\">{IdentityPages.E(text["SignIn.Title"])}</a></p>", StatusCodes.Status429TooManyRequests)
                .ExecuteAsync(context);
        });
        next(app);
    };
}
