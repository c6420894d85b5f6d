using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace ReferralHub.Portal.Localisation;

/// <summary>
/// The hub's local time zone (<c>Portal:TimeZone</c>, an IANA name such as Asia/Dhaka; UTC when unset) and the one way
/// the portal writes a moment: the local time first, in the person's culture, with UTC beside it — people in the field
/// plan in local time, while deadlines and the other agencies' systems are in UTC.
/// Decision: the zone is the hub's, not the person's or the browser's. A browser's zone is known only to script (the
/// portal has none), and one hub serves one operation whose camps share a zone; a person or area zone would need a
/// setting nobody maintains yet.
/// </summary>
public sealed class HubTime
{
    public HubTime(IConfiguration configuration)
    {
        var id = configuration["Portal:TimeZone"];
        Zone = string.IsNullOrWhiteSpace(id) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
        var name = configuration["Portal:TimeZoneName"];
        // "Asia/Dhaka" → "Dhaka": the place people know, not the database's code.
        ZoneName = !string.IsNullOrWhiteSpace(name) ? name : Zone.Id[(Zone.Id.LastIndexOf('/') + 1)..].Replace('_', ' ');
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>How pages name the zone beside a local time (<c>Portal:TimeZoneName</c>, else the IANA name's place).</summary>
    public string ZoneName { get; }

    public bool IsUtc => Zone == TimeZoneInfo.Utc || Zone.Id is "UTC" or "Etc/UTC";

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>"30/11/2026 18:00 (Dhaka) · 12:00 UTC", in the current culture (the person's).</summary>
    public string Format(DateTime utc) => Format(utc, CultureInfo.CurrentCulture);

    /// <summary>
    /// The local date and time with the zone's name, then UTC: only its time when it is the same day there, else its
    /// date too. With no zone configured, UTC only.
    /// </summary>
    public string Format(DateTime utc, CultureInfo culture)
    {
        utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        var utcText = utc.ToString("g", culture) + " UTC";
        if (IsUtc) return utcText;
        var local = Local(utc);
        if (local.Date == utc.Date) utcText = utc.ToString("t", culture) + " UTC";
        return $"{local.ToString("g", culture)} ({ZoneName}) · {utcText}";
    }

    /// <summary>
    /// The moment as HTML: <c>&lt;time class="hub-time" datetime="…Z"&gt;</c> around <see cref="Format(DateTime)"/>, so
    /// a machine reads the instant and a person the words. Every page shows a time through this (directly, through
    /// <c>&lt;hub-time at="…"&gt;</c>, or inside a sentence with <see cref="Sentence"/>).
    /// </summary>
    public IHtmlContent Tag(DateTime utc)
    {
        utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        var iso = utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return new HtmlString($"<time class=\"hub-time\" datetime=\"{iso}\">{HtmlEncoder.Default.Encode(Format(utc))}</time>");
    }

    /// <summary>
    /// A sentence of <c>PortalText</c> with its arguments: HTML (a <see cref="Tag"/>) goes in as it is, every other
    /// argument and the sentence itself are encoded. <c>T["Transfers.Asked", time]</c> would encode the tag as text.
    /// </summary>
    public static IHtmlContent Sentence(IStringLocalizer text, string key, params object?[] args)
    {
        var template = HtmlEncoder.Default.Encode(text[key].Value);
        var parts = args.Select(a => a switch
        {
            IHtmlContent html => Html(html),
            null => "",
            _ => HtmlEncoder.Default.Encode(Convert.ToString(a, CultureInfo.CurrentCulture) ?? ""),
        }).ToArray<object?>();
        return new HtmlString(string.Format(CultureInfo.CurrentCulture, template, parts));
    }

    /// <summary>A date only, in the person's culture (hub local date).</summary>
    public string Date(DateTime utc) => Local(utc).ToString("d", CultureInfo.CurrentCulture);

    private static string Html(IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}
