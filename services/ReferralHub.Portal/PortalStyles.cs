using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ReferralHub.Portal;

/// <summary>
/// Serves the portal's one stylesheet from the assembly, so it is the same in the embedded host, the portal alone and
/// a published build (no static-web-asset wiring). Versioned URL + immutable caching: a phone downloads it once.
/// </summary>
public static class PortalStyles
{
    private static readonly byte[] Css = Load();
    private static readonly string Hash = Convert.ToHexStringLower(SHA256.HashData(Css))[..12];

    public static string Path { get; } = $"/portal.css?v={Hash}";

    public static IEndpointRouteBuilder MapPortalStyles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/portal.css", (HttpContext context) =>
        {
            context.Response.Headers[HeaderNames.CacheControl] = "public, max-age=31536000, immutable";
            return Results.Bytes(Css, "text/css; charset=utf-8", entityTag: new EntityTagHeaderValue($"\"{Hash}\""));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static byte[] Load()
    {
        using var stream = typeof(PortalStyles).Assembly.GetManifestResourceStream("ReferralHub.Portal.portal.css")
            ?? throw new InvalidOperationException("portal.css is not embedded in the portal assembly");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
