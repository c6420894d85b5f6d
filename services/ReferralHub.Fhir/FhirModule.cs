using Hl7.Fhir.Model;
using ReferralHub.Fhir.Consents;
using ReferralHub.Fhir.Directory;
using ReferralHub.Fhir.Metadata;
using ReferralHub.Fhir.Referrals;
using ReferralHub.Fhir.Subscriptions;
using ReferralHub.Fhir.Web;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Fhir;

/// <summary>
/// FHIR R4 at /fhir (docs/fhir.md): a facade that maps FHIR resources to the hub's REST APIs and calls them with the
/// caller's own token, so the owning services enforce every rule exactly as for REST.
/// </summary>
public static partial class FhirModule
{
    public const string Prefix = "/fhir";

    public static IHostApplicationBuilder AddFhir(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<FhirApiAddress>();
        builder.Services.AddHttpClient<HubApi>(HubApi.ClientName, client => client.Timeout = TimeSpan.FromSeconds(60));
        return builder;
    }

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        // Authentication is checked here (not by the fallback policy) so that a missing or bad token is answered with an
        // OperationOutcome like every other FHIR error; the services called check the same token again.
        var fhir = app.MapGroup(Prefix).WithTags("FHIR R4").AllowAnonymous().AddEndpointFilter(FhirErrors.FilterAsync)
            .AddEndpointFilter(JsonOnly).WithBodyLimit(FhirJson.MaxBodyBytes);
        CapabilityEndpoint.Map(fhir);
        SmartConfiguration.Map(fhir);
        var secured = fhir.MapGroup("").AddEndpointFilter(RequireToken);
        ReferralEndpoints.Map(secured);
        TaskEndpoints.Map(secured);
        ConsentEndpoints.Map(secured);
        DirectoryEndpoints.Map(secured);
        SubscriptionEndpoints.Map(secured);
        // A resource type the server has, with an interaction it does not support: 405 (FHIR http.html); anything else: 404.
        fhir.Map("/{**rest}", (HttpContext http, string? rest) =>
        {
            var type = (rest ?? "").Split('/')[0];
            var known = CapabilityEndpoint.ResourceTypes.Contains(type);
            return new FhirResult(Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.NotSupported,
                known ? $"{http.Request.Method} {http.Request.Path} is not an interaction this server supports for {type}; GET /fhir/metadata lists those it does."
                      : $"{http.Request.Method} {http.Request.Path} is not supported; GET /fhir/metadata lists what is."), known ? 405 : 404);
        }).WithOrder(int.MaxValue).ExcludeFromDescription();
        return app;
    }

    private static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated != true)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            throw FhirException.Of(401, OperationOutcome.IssueType.Login, "A valid bearer token is required (OAuth2 client credentials at /connect/token).");
        }
        return await next(context);
    }

    /// <summary>
    /// The facade speaks FHIR JSON only: a request for XML (<c>_format=xml</c>, or an Accept that takes no JSON) gets a
    /// clean 406 rather than JSON it did not ask for. XML bodies are refused with 415 where bodies are read.
    /// </summary>
    private static async ValueTask<object?> JsonOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var format = request.Query["_format"].FirstOrDefault();
        var accept = request.Headers.Accept.ToString();
        var wantsXml = format is not null
            ? format.Contains("xml", StringComparison.OrdinalIgnoreCase)
            : accept.Length > 0 && !accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal)
              && !accept.Contains("application/*", StringComparison.OrdinalIgnoreCase);
        if (wantsXml || (format is not null && !format.Contains("json", StringComparison.OrdinalIgnoreCase)))
            throw FhirException.Of(406, OperationOutcome.IssueType.NotSupported, "This server answers FHIR JSON only (application/fhir+json, _format=json).", "_format");
        return await next(context);
    }

    /// <summary>
    /// The base URL resources are addressed under (fullUrl, links, Location), as the caller reached us:
    /// <c>Fhir:PublicBaseUrl</c> when set; else, behind the gateway (YARP sets X-Forwarded-Proto/Host/Prefix and drops
    /// any a client sent), the gateway's address; else this server's. A forwarded value only names addresses in the
    /// answer, it grants nothing; malformed ones are ignored.
    /// </summary>
    public static string BaseUrl(HttpRequest request)
    {
        if (request.HttpContext.RequestServices?.GetService<IConfiguration>()?["Fhir:PublicBaseUrl"] is { Length: > 0 } configured)
            return configured.TrimEnd('/') + Prefix;
        static string? First(HttpRequest request, string header) => request.Headers[header].FirstOrDefault()?.Split(',')[0].Trim();
        var host = First(request, "X-Forwarded-Host");
        if (host is not null && !ForwardedHost().IsMatch(host)) host = null;
        var scheme = First(request, "X-Forwarded-Proto") is "http" or "https" ? First(request, "X-Forwarded-Proto") : null;
        var prefix = First(request, "X-Forwarded-Prefix");
        if (prefix is not null && !ForwardedPrefix().IsMatch(prefix)) prefix = null;
        return $"{scheme ?? request.Scheme}://{host ?? request.Host.Value}{prefix?.TrimEnd('/') ?? request.PathBase.Value}{Prefix}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$")]
    private static partial System.Text.RegularExpressions.Regex ForwardedHost();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(/[A-Za-z0-9._~\-]+)*/?$")]
    private static partial System.Text.RegularExpressions.Regex ForwardedPrefix();
}

/// <summary>Every error under /fhir is an OperationOutcome with its HTTP status; never a 500 for client input.</summary>
internal static class FhirErrors
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (FhirException ex)
        {
            return new FhirResult(ex.Outcome, ex.Status);
        }
        catch (BadHttpRequestException ex)
        {
            return new FhirResult(Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Invalid, "The request could not be read."), ex.StatusCode);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ReferralHub.Fhir")
                .LogError(ex, "FHIR request {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return new FhirResult(Outcomes.Single(OperationOutcome.IssueSeverity.Fatal, OperationOutcome.IssueType.Exception,
                "The server failed to process the request; it was logged."), 500);
        }
    }
}
