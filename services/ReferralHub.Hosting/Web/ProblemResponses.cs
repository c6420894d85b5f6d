using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Declares, on every <c>/api</c> operation of the OpenAPI document, the refusals the shared pipeline can give it
/// whatever its handler does (docs/api-conventions.md, Errors), so a generated client knows their body:
/// 400 (<see cref="HttpValidationProblemDetails"/>: the request guard and the binder refuse a bad parameter or body
/// anywhere), 401 where the endpoint needs a token (all but the anonymous ones), 403 where a policy names roles, 404 where the path names something, 413 and 415 where
/// it takes a JSON body, 503 (a hub service did not answer). What only a handler can answer (409, 410, 422) is declared
/// by its typed result or on the endpoint. Runs after the framework's own provider and never replaces what an endpoint
/// declared itself.
/// </summary>
internal sealed class ProblemResponses : IApiDescriptionProvider
{
    private const string ProblemJson = "application/problem+json";

    public int Order => 1000;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            if (description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) != true) continue;
            var metadata = description.ActionDescriptor.EndpointMetadata;
            // Every endpoint needs a token unless it allows anonymous callers (the fallback policy); a 403 comes from a
            // policy naming roles, or from a handler that declares it.
            var anonymous = metadata.OfType<IAllowAnonymous>().Any();
            var roles = !anonymous && metadata.OfType<IAuthorizeData>().Any()
                || metadata.OfType<Microsoft.AspNetCore.Authorization.AuthorizationPolicy>().Any();
            var method = description.HttpMethod ?? "GET";
            var takesJson = description.ParameterDescriptions.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);

            Add(description, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
            if (!anonymous) Add(description, StatusCodes.Status401Unauthorized, typeof(ProblemDetails));
            if (roles) Add(description, StatusCodes.Status403Forbidden, typeof(ProblemDetails));
            if (description.RelativePath.Contains('{')) Add(description, StatusCodes.Status404NotFound, typeof(ProblemDetails));
            if (takesJson || method is "POST" or "PUT" or "PATCH")
            {
                Add(description, StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails));
                Add(description, StatusCodes.Status415UnsupportedMediaType, typeof(ProblemDetails));
            }
            Add(description, StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails));
        }
    }

    private static void Add(ApiDescription description, int status, Type type)
    {
        var declared = description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == status);
        if (declared is not null)
        {
            // Declared by the endpoint (e.g. ValidationProblem's 400) but perhaps without a body type: give it one.
            if (declared.Type is null || declared.Type == typeof(void)) declared.Type = type;
            if (declared.ApiResponseFormats.Count == 0) declared.ApiResponseFormats.Add(new ApiResponseFormat { MediaType = ProblemJson });
            return;
        }
        var response = new ApiResponseType { StatusCode = status, Type = type };
        response.ApiResponseFormats.Add(new ApiResponseFormat { MediaType = ProblemJson });
        description.SupportedResponseTypes.Add(response);
    }
}
