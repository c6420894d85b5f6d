using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Declares the <c>Idempotency-Key</c> header in the OpenAPI document for an endpoint that reads it from the request
/// (docs/api-conventions.md, Idempotency): the handler reads the header itself, so without this a generated client has
/// no way to send it.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    public static RouteHandlerBuilder TakesIdempotencyKey(this RouteHandlerBuilder builder, bool required, int maxLength) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Name,
                In = ParameterLocation.Header,
                Required = required,
                Description = required
                    ? "A unique key per request, reused when retrying: a retry with the same key and body gets the first answer."
                    : "Optional: a retry with the same key gets the first answer instead of a second record.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength },
            });
            return Task.CompletedTask;
        });
}
