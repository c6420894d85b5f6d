using Hl7.Fhir.Model;
using ReferralHub.Fhir.Consents;
using ReferralHub.Fhir.Directory;
using ReferralHub.Fhir.Metadata;
using ReferralHub.Fhir.Referrals;
using ReferralHub.Fhir.Web;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Fhir;

/// <summary>
/// FHIR R4 at /fhir (docs/fhir.md): a facade that maps FHIR resources to the hub's REST APIs and calls them with the
/// caller's own token, so the owning services enforce every rule exactly as for REST.
/// </summary>
public static class FhirModule
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
            .WithBodyLimit(FhirJson.MaxBodyBytes);
        CapabilityEndpoint.Map(fhir);
        var secured = fhir.MapGroup("").AddEndpointFilter(RequireToken);
        ReferralEndpoints.Map(secured);
        TaskEndpoints.Map(secured);
        ConsentEndpoints.Map(secured);
        DirectoryEndpoints.Map(secured);
        fhir.Map("/{**rest}", (HttpContext http) =>
            new FhirResult(Outcomes.Single(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.NotSupported,
                $"{http.Request.Method} {http.Request.Path} is not supported; GET /fhir/metadata lists what is."), 404))
            .WithOrder(int.MaxValue).ExcludeFromDescription();
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

    /// <summary>The base URL resources are addressed under, as the caller reached us.</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}";
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
