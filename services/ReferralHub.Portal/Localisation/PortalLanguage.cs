using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace ReferralHub.Portal.Localisation;

/// <summary>The person's language choice as a cookie, read by request localisation before the browser's Accept-Language.</summary>
public static class PortalLanguage
{
    /// <summary>The culture name the person chose (the cookie), or null: passed to the gateway's pages as ui_locales.</summary>
    public static string? Chosen(HttpRequest request) =>
        request.Cookies[CookieRequestCultureProvider.DefaultCookieName] is { Length: > 0 } value
        && CookieRequestCultureProvider.ParseCookieValue(value) is { } parsed && parsed.UICultures.Count > 0
            ? parsed.UICultures[0].Value
            : null;

    public static void Remember(HttpResponse response, CultureInfo? culture)
    {
        var name = CookieRequestCultureProvider.DefaultCookieName;
        if (culture is null)
        {
            response.Cookies.Delete(name);
            return;
        }
        response.Cookies.Append(name, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365), Secure = response.HttpContext.Request.IsHttps });
    }
}
