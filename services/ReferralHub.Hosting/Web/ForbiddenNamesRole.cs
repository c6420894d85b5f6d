using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// A 403 from an endpoint's policy says what was needed (docs/api-conventions.md, Errors): "needs one of the roles
/// referrer, supervisor" and <c>neededRoles</c>, instead of a bare "Forbidden" that leaves an integrator guessing
/// which role to ask their agency admin for. Only for the APIs (<c>/api</c>, <c>/fhir</c>); the portal keeps its page.
/// </summary>
internal sealed class ForbiddenNamesRole : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var api = context.Request.Path.StartsWithSegments("/api") || Refusals.IsFhir(context);
        if (!authorizeResult.Forbidden || !api)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
        var roles = failed.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToArray();
        var claims = failed.OfType<ClaimsAuthorizationRequirement>().Select(c => c.ClaimType).Distinct().ToArray();
        var needs = new List<string>();
        if (roles.Length > 0) needs.Add(roles.Length == 1 ? $"the role '{roles[0]}'" : $"one of the roles {string.Join(", ", roles.Select(r => $"'{r}'"))}");
        if (claims.Length > 0) needs.Add($"a token with {string.Join(", ", claims.Select(c => $"'{c}'"))}");
        var detail = needs.Count == 0 ? "The token does not allow this." : $"This needs {string.Join(" and ", needs)}.";

        if (Refusals.IsFhir(context))
        {
            await Refusals.WriteOperationOutcomeAsync(context, StatusCodes.Status403Forbidden, "forbidden", detail);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var problem = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = Problems.ForbiddenTitle, Detail = detail };
        if (roles.Length > 0) problem.Extensions["neededRoles"] = roles;
        var problems = context.RequestServices.GetService(typeof(IProblemDetailsService)) as IProblemDetailsService;
        if (problems is null || !await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            await context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted);
    }
}
