using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Every time on the wire is UTC with <c>Z</c> (docs/api-conventions.md, Times). The hub keeps times in UTC, but a
/// <see cref="DateTime"/> read back from SQLite or PostgreSQL comes without a kind and System.Text.Json would then write
/// it with no zone at all, next to times with one in the same object: this writes every one alike.
/// </summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetDateTime();
        // A time sent with an offset is that instant; kept in UTC, not the server's zone.
        return value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(UtcTimes.Format(value));
}

/// <summary>Writes a <see cref="DateTimeOffset"/> as its UTC instant with <c>Z</c>, not <c>+00:00</c> or a local offset.</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(UtcTimes.Format(value.UtcDateTime));
}

public static class UtcTimes
{
    /// <summary>A stored time without a kind is UTC (the hub writes no other); a local one is converted.</summary>
    public static string Format(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Adds both converters (the API's JSON options, and any client that writes hub times).</summary>
    public static JsonSerializerOptions AddUtcTimes(this JsonSerializerOptions options)
    {
        options.Converters.Add(new UtcDateTimeConverter());
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        return options;
    }
}
