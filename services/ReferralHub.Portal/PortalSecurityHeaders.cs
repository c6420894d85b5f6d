using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ReferralHub.Portal;

/// <summary>
/// Browser protections on every response of a process that serves the portal: pages, errors, the 403 page, redirects
/// and (in the embedded host) the API answers too, where they cost nothing. Added first in the pipeline and applied
/// when the response starts, so nothing later (antiforgery's X-Frame-Options, a refusal, a redirect) goes without them.
/// The portal uses no script and no inline style, so the policy can forbid both.
/// </summary>
internal sealed class PortalSecurityHeaders(IHostEnvironment environment) : IStartupFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // HSTS only where the hub is served over TLS (by the proxy in front): never on a developer's plain-http localhost.
        var strictTransport = !environment.IsDevelopment();
        app.Use((context, nextStep) =>
        {
            context.Response.OnStarting(() =>
            {
                Apply(context.Response, strictTransport);
                return Task.CompletedTask;
            });
            return nextStep(context);
        });
        next(app);
    };

    private static void Apply(HttpResponse response, bool strictTransport)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        // For browsers that ignore frame-ancestors: the page with an Accept button can never be framed (clickjacking).
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        // Set-password links carry a one-time token in the query: never leak a portal URL to another site.
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (strictTransport) headers.StrictTransportSecurity = "max-age=31536000";
        // Pages show case data: no copy in a shared computer's cache or a proxy, unless the response chose its own policy.
        var page = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            || response.StatusCode is >= 300 and < 400;
        if (page && string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
    }
}
