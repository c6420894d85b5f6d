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

/// <summary>
/// Gives the OpenAPI document its date-time schemas back: with <see cref="UtcDateTimeConverter"/> registered, the schema
/// exporter no longer knows the JSON type of a <see cref="DateTime"/> and writes only <c>format: date-time</c>, which a
/// generated client reads as an untyped object. A string it is (nullable where the property is; never on a parameter).
/// </summary>
internal static class UtcTimeSchemas
{
    public static Task RestoreTypeAsync(Microsoft.OpenApi.OpenApiSchema schema, Microsoft.AspNetCore.OpenApi.OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Format == "date-time" && schema.Type is null)
        {
            // A property inside a request body is described with the body's parameter in the context: it keeps its own
            // nullability (an optional `validUntil` is not a required one). Only a time that is itself a query or route
            // parameter is written as a plain string.
            var parameter = context.ParameterDescription;
            var nullable = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is not null
                && (parameter is null || parameter.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body);
            schema.Type = nullable ? Microsoft.OpenApi.JsonSchemaType.String | Microsoft.OpenApi.JsonSchemaType.Null : Microsoft.OpenApi.JsonSchemaType.String;
        }

        return Task.CompletedTask;
    }
}
