using System.Globalization;

namespace ReferralHub.Portal.Localisation;

/// <summary>
/// The portal's languages (<c>Portal:Cultures</c>; the first is the default when the browser asks for none of them).
/// By default English (British formats), French, Arabic (right to left) and Bengali, each with a PortalText.{culture}.resx.
/// </summary>
public static class PortalCultures
{
    public static IReadOnlyList<CultureInfo> Supported(IConfiguration configuration)
    {
        var configured = configuration.GetSection("Portal:Cultures").Get<string[]>();
        return (configured is { Length: > 0 } ? configured : ["en-GB", "fr", "ar", "bn"]).Select(CultureInfo.GetCultureInfo).ToList();
    }
}
