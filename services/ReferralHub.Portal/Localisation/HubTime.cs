using System.Globalization;

namespace ReferralHub.Portal.Localisation;

/// <summary>
/// The hub's local time zone (<c>Portal:TimeZone</c>, an IANA name such as Asia/Dhaka; UTC when unset). Pages and
/// notices show a time in that zone, written in the person's culture, with UTC beside it: people in the field plan in
/// local time, while deadlines and the other agencies' systems are in UTC.
/// </summary>
public sealed class HubTime
{
    public HubTime(IConfiguration configuration)
    {
        var id = configuration["Portal:TimeZone"];
        Zone = string.IsNullOrWhiteSpace(id) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
    }

    public TimeZoneInfo Zone { get; }

    public bool IsUtc => Zone == TimeZoneInfo.Utc || Zone.Id is "UTC" or "Etc/UTC";

    public DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>"30 November 2026 18:00 (Asia/Dhaka) · 12:00 UTC", in the current culture (the person's).</summary>
    public string Format(DateTime utc) => Format(utc, CultureInfo.CurrentCulture);

    public string Format(DateTime utc, CultureInfo culture)
    {
        utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        var utcText = utc.ToString("g", culture) + " UTC";
        if (IsUtc) return utcText;
        return $"{Local(utc).ToString("g", culture)} ({Zone.Id}) · {utcText}";
    }

    /// <summary>A date only, in the person's culture (hub local date).</summary>
    public string Date(DateTime utc) => Local(utc).ToString("d", CultureInfo.CurrentCulture);
}
