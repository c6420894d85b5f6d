using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Net.Http.Headers;

namespace ReferralHub.Gateway.SignIn;

/// <summary>
/// The identity provider's own pages (sign-in, set password): plain HTML forms that work with JavaScript off on a
/// small phone, styled by a small copy of the portal's stylesheet served by the gateway itself (in distributed mode the
/// gateway is another origin than the portal). Every answer carries the portal's browser protections: a CSP without
/// script or inline style and with <c>frame-ancestors 'none'</c>, no framing, no sniffing, no referrer (the
/// set-password link carries a one-time token), no caching.
/// </summary>
public static class IdentityPages
{
    public const string Prefix = "/identity";

    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly byte[] Css = Encoding.UTF8.GetBytes("""
        *{box-sizing:border-box}
        body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#fff}
        header{background:#0b4f6c;color:#fff;padding:.5rem 1rem}
        header p{margin:0;font-weight:600}
        main{max-width:28rem;margin:0 auto;padding:1rem}
        h1{font-size:1.4rem;margin:.5rem 0 1rem}
        label{display:block;font-weight:600;margin:.75rem 0 .25rem}
        input[type=email],input[type=password],input[type=text]{width:100%;padding:.6rem;font-size:1rem;border:1px solid #767676;border-radius:4px}
        button{margin-top:1rem;width:100%;padding:.75rem;font-size:1rem;font-weight:600;color:#fff;background:#0b4f6c;border:0;border-radius:4px;cursor:pointer}
        button:focus,input:focus,a:focus{outline:3px solid #f9a825;outline-offset:2px}
        .error{color:#b00020;font-weight:600}
        .hint{color:#4a4a4a;font-size:.9rem}
        a{color:#0b4f6c}
        nav.languages ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
        nav.languages a{color:#fff}
        nav.languages [aria-current]{font-weight:700;text-decoration:none}
        """);

    private static readonly string Hash = Convert.ToHexStringLower(SHA256.HashData(Css))[..12];

    public static string StylesPath { get; } = $"{Prefix}/identity.css?v={Hash}";

    public static IEndpointRouteBuilder MapIdentityStyles(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{Prefix}/identity.css", (HttpContext context) =>
        {
            context.Response.Headers[HeaderNames.CacheControl] = "public, max-age=31536000, immutable";
            return Results.Bytes(Css, "text/css; charset=utf-8", entityTag: new EntityTagHeaderValue($"\"{Hash}\""));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>The browser protections, on every identity-provider answer (pages, redirects, refusals).</summary>
    public static void ApplyHeaders(HttpResponse response, bool strictTransport)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (strictTransport) headers.StrictTransportSecurity = "max-age=31536000";
        if (string.IsNullOrEmpty(headers.CacheControl) || response.StatusCode is >= 300 and < 400) headers.CacheControl = "no-store";
    }

    public static bool IsIdentityPath(PathString path) =>
        path.StartsWithSegments(Prefix) || path.StartsWithSegments("/connect/authorize") || path.StartsWithSegments("/connect/endsession");

    /// <summary>
    /// A whole page in the person's language (<paramref name="text"/>: <c>lang</c>, and <c>dir="rtl"</c> for Arabic);
    /// <paramref name="body"/> is already HTML-encoded by the caller. With <paramref name="languageHref"/> the header
    /// lists the languages as plain links to this same page (no script, no form: works with JavaScript off).
    /// </summary>
    public static IResult Page(IdentityText text, string title, string body, int status = StatusCodes.Status200OK, Func<string, string>? languageHref = null) =>
        Results.Content(
            $"<!DOCTYPE html><html lang=\"{text.Code}\" dir=\"{text.Direction}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{E(title)} · ReferralHub</title><link rel=\"stylesheet\" href=\"{StylesPath}\"></head>" +
            $"<body><header><p>ReferralHub</p>{LanguageLinks(text, languageHref)}</header><main><h1>{E(title)}</h1>{body}</main></body></html>",
            "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string LanguageLinks(IdentityText text, Func<string, string>? href)
    {
        if (href is null) return "";
        var items = IdentityText.Languages.Select(l => l.Code == text.Code
            ? $"<li><a href=\"{E(href(l.Code))}\" lang=\"{l.Code}\" aria-current=\"true\">{E(l.Name)}</a></li>"
            : $"<li><a href=\"{E(href(l.Code))}\" lang=\"{l.Code}\" hreflang=\"{l.Code}\">{E(l.Name)}</a></li>");
        return $"<nav class=\"languages\" aria-label=\"{E(text["Language"])}\"><ul>{string.Concat(items)}</ul></nav>";
    }

    /// <summary>A hidden field keeping the page's language through a post (a refusal answers in the same language).</summary>
    public static string LanguageField(IdentityText text) => $"<input type=\"hidden\" name=\"lang\" value=\"{text.Code}\">";

    /// <summary>The antiforgery field for a form (the matching cookie is set on this response).</summary>
    public static string AntiforgeryField(IAntiforgery antiforgery, HttpContext context)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">";
    }

    public static async Task<bool> AntiforgeryHoldsAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    public static IResult Expired(IdentityText text) =>
        Page(text, text["Expired.Title"], $"<p class=\"error\" role=\"alert\">{E(text["Expired.Text"])}</p>", StatusCodes.Status400BadRequest);

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
