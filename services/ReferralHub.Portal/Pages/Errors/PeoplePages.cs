using Microsoft.Net.Http.Headers;

namespace ReferralHub.Portal.Pages.Errors;

/// <summary>
/// Matches an address no endpoint took when a person's browser asked for it (it accepts HTML) and it is not under
/// a machine API: such a person gets the portal's "page not found" instead of a JSON 401/404 meant for systems.
/// API clients keep their problem details (RFC 9457), FHIR clients their OperationOutcome.
/// </summary>
public sealed class PeoplePages : IRouteConstraint
{
    public const string Name = "people-page";

    private static readonly string[] MachinePrefixes = ["/api", "/fhir", "/hsds", "/connect", "/ops", "/health", "/openapi", "/.well-known"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        if (httpContext is null || routeDirection != RouteDirection.IncomingRequest) return false;
        var request = httpContext.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        if (MachinePrefixes.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))) return false;
        return request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }
}
