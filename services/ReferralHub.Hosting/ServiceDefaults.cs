using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Posture;
using ReferralHub.Hosting.Protection;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Hosting;

/// <summary>What every ReferralHub process has: problem details, auth, health, telemetry, OpenAPI, a clock.</summary>
public static class ServiceDefaults
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        // First hosted service: outside Development nothing else starts when a setting is unsafe.
        builder.Services.AddHostedService<ProductionPosture.StartupCheck>();
        builder.Services.AddSingleton(TimeProvider.System);
        // SQL text on every query is noise in a service's log; parameter values are never logged (no sensitive logging).
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
            // Minimal APIs' own 415 names nothing; the field at fault is the Content-Type header.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && !context.ProblemDetails.Extensions.ContainsKey("errors")
                && context.ProblemDetails is not HttpValidationProblemDetails)
                context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { ["Content-Type"] = ["Send application/json (charset utf-8 or none)."] };
            // A parameter the generated request delegates refused without saying which (Web/UnparsedParameters).
            if (context.ProblemDetails.Status == StatusCodes.Status400BadRequest && !context.ProblemDetails.Extensions.ContainsKey("errors")
                && context.ProblemDetails is not HttpValidationProblemDetails && UnparsedParameters.Find(context.HttpContext) is { } parameter)
            {
                context.ProblemDetails.Detail ??= "The value is not valid for its parameter.";
                context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [parameter] = ["The value is not valid for its parameter."] };
            }
            SanitizeProblem(context.ProblemDetails);
        });
        // Binding failures throw in every environment (not only Development), so that BadRequestExceptionHandler names
        // the parameter or body field at fault; a refusal's field must not depend on the environment.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // A policy's 403 names the role it needed (Web/ForbiddenNamesRole); registered last, so it wins over the default.
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ForbiddenNamesRole>();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<UnavailableExceptionHandler>();
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.KebabCaseLower));
            // Every time on the wire in UTC with Z, whatever kind the database gave back (Web/UtcTimes).
            options.SerializerOptions.AddUtcTimes();
        });
        // Bounds on every JSON body read into the hub's types; after every module's own configuration.
        builder.Services.PostConfigure<JsonOptions>(options =>
            options.SerializerOptions.TypeInfoResolver = (options.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(InputBounds.Apply));
        // Kestrel's own refusals (bad request line, 414, 431) get a problem-details body too.
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseRefusalBodies()));
        // A form is a handful of fields here (/connect/token, the portal's pages): refuse big ones early.
        builder.Services.Configure<FormOptions>(form =>
        {
            form.ValueCountLimit = 200;
            form.ValueLengthLimit = 16 * 1024;
            form.KeyLengthLimit = 256;
        });

        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi(options => options.AddSchemaTransformer(UtcTimeSchemas.RestoreTypeAsync));
        // Every /api operation declares the refusals the shared pipeline can give it (Web/ProblemResponses).
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddEnumerable(builder.Services,
            ServiceDescriptor.Transient<Microsoft.AspNetCore.Mvc.ApiExplorer.IApiDescriptionProvider, ProblemResponses>());
        builder.AddForwardedClientAddress();
        builder.AddHubAuthentication();
        builder.AddTelemetry(serviceName);
        return builder;
    }

    /// <summary>
    /// Traces and metrics for ASP.NET Core and MassTransit. Exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set. Request bodies are never recorded: they may hold a child's data.
    /// </summary>
    private static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"));
                tracing.AddSource("MassTransit");
                if (otlp) tracing.AddOtlpExporter();
            })
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation();
                metrics.AddMeter("MassTransit");
                if (otlp) metrics.AddOtlpExporter();
            });
        return builder;
    }

    /// <summary>
    /// No answer carries a client's value back beyond a short escaped excerpt: messages built with a quoted value
    /// (<c>Unknown service type '…'</c>) are shortened here, for every problem any endpoint writes.
    /// </summary>
    private static void SanitizeProblem(Microsoft.AspNetCore.Mvc.ProblemDetails problem)
    {
        problem.Title = problem.Title is null ? null : Refusals.SafeMessage(problem.Title);
        problem.Detail = problem.Detail is null ? null : Refusals.SafeMessage(problem.Detail);
        if (problem is HttpValidationProblemDetails validation)
            foreach (var key in validation.Errors.Keys.ToList())
                validation.Errors[key] = [.. validation.Errors[key].Select(Refusals.SafeMessage)];
        if (problem.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> map)
            foreach (var key in map.Keys.ToList())
                map[key] = [.. map[key].Select(Refusals.SafeMessage)];
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestGuard>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapOpsEndpoints();
        app.MapKeyEndpoints();
        return app;
    }
}
