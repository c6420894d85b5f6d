using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ReferralHub.Hosting.Web;

/// <summary>The most a request to an endpoint may carry; see <see cref="RequestGuard"/>.</summary>
public interface IRequestBodyLimit
{
    long BytesFor(HttpContext context);
}

public sealed record RequestBodyLimit(long Bytes) : IRequestBodyLimit
{
    public long BytesFor(HttpContext context) => Bytes;
}

/// <summary>A limit that comes from configuration (e.g. the largest document a transfer may carry).</summary>
public sealed record RequestBodyLimitFrom(Func<IServiceProvider, long> Bytes) : IRequestBodyLimit
{
    public long BytesFor(HttpContext context) => Bytes(context.RequestServices);
}

public static class RequestBodyLimits
{
    /// <summary>Any endpoint without its own limit: every JSON body the API takes fits in far less.</summary>
    public const long Default = 64 * 1024;

    /// <summary>What a form at <c>/connect/token</c> may be: a handful of short fields.</summary>
    public const long TokenForm = 16 * 1024;

    /// <summary>Sets the most a request to this endpoint may carry (Kestrel stops reading there).</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, Func<IServiceProvider, long> bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimitFrom(bytes));
}

/// <summary>
/// Checks every request before authentication and the endpoint see it, and refuses in the caller's format
/// (<see cref="Refusals"/>):
/// <list type="bullet">
/// <item>a body larger than the endpoint's <see cref="RequestBodyLimit"/> (default <see cref="RequestBodyLimits.Default"/>):
/// 413 from its Content-Length, without reading it; a chunked body is cut off by Kestrel at the same limit;</item>
/// <item>a charset other than UTF-8 (or its ASCII subset): 415, instead of the 500 an unknown charset gave;</item>
/// <item>control or bidi-override characters in the path or a query value: 400 naming the parameter.</item>
/// </list>
/// </summary>
internal sealed class RequestGuard(RequestDelegate next, ILogger<RequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestBodyLimit>()?.BytesFor(context)
            ?? (Refusals.IsToken(context) ? RequestBodyLimits.TokenForm : RequestBodyLimits.Default);
        if (context.Request.ContentLength > limit)
        {
            logger.LogInformation("Refused a {Length}-byte body to {Path}: the limit there is {Limit}", context.Request.ContentLength, context.Request.Path, limit);
            await Refusals.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                $"At most {limit.ToString(CultureInfo.InvariantCulture)} bytes are accepted here.", "body");
            context.Response.Headers.Connection = "close"; // the unread body is not worth draining
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;

        if (context.Request.ContentType is { } contentType && !AcceptableCharset(contentType))
        {
            await Refusals.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported character set.",
                "Bodies are read as UTF-8; send charset=utf-8 or no charset.", "Content-Type");
            return;
        }

        if (InputText.FindUnsafe(context.Request.Path.Value, allowLineBreaks: false) >= 0)
        {
            await Refusals.WriteAsync(context, StatusCodes.Status400BadRequest, "The request could not be read.",
                "The path contains control or bidi-override characters.", "path");
            return;
        }
        foreach (var (name, values) in context.Request.Query)
        {
            if (InputText.FindUnsafe(name, allowLineBreaks: false) < 0 && values.All(v => InputText.FindUnsafe(v, allowLineBreaks: false) < 0))
                continue;
            await Refusals.WriteAsync(context, StatusCodes.Status400BadRequest, "The request could not be read.",
                "A query value contains control or bidi-override characters.", InputText.FindUnsafe(name, false) < 0 ? Refusals.Excerpt(name) : "query");
            return;
        }

        await next(context);
    }

    private static bool AcceptableCharset(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return true; // a bad type is the endpoint's 415
        var charset = media.Charset;
        if (!charset.HasValue || charset.Length == 0) return true;
        var value = charset.Value!.Trim('"');
        return value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || value.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            || value.Equals("us-ascii", StringComparison.OrdinalIgnoreCase);
    }
}
