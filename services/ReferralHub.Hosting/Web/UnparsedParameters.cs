using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// Names the route or query parameter whose value could not be parsed, for a 400 that came back without a body.
/// With <c>RouteHandlerOptions.ThrowOnBadRequest</c> (ServiceDefaults) minimal APIs throw a BadHttpRequestException that
/// names the parameter (<see cref="BadRequestExceptionHandler"/>), except the build-time generated request delegates
/// (services/Directory.Build.props) for an optional value (<c>int? limit=abc</c>): they answer 400 silently. The
/// endpoint's parameter metadata says which values it parses, so the refusal can still name the one at fault.
/// Runs only on that refusal path.
/// </summary>
internal static class UnparsedParameters
{
    public static string? Find(HttpContext context)
    {
        if (context.GetEndpoint() is not { } endpoint) return null;
        foreach (var parameter in endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>())
        {
            if (!parameter.HasTryParse) continue;
            var name = BoundName(parameter);
            var values = context.Request.RouteValues.TryGetValue(name, out var routeValue) && routeValue is not null
                ? [Convert.ToString(routeValue, CultureInfo.InvariantCulture)]
                : context.Request.Query[name].ToArray();
            var type = parameter.ParameterInfo.ParameterType;
            if (type.IsArray) type = type.GetElementType()!;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (values.Any(value => !string.IsNullOrEmpty(value) && !Parses(type, value))) return name;
        }
        return null;
    }

    private static string BoundName(IParameterBindingMetadata parameter)
    {
        foreach (var attribute in parameter.ParameterInfo.GetCustomAttributes())
        {
            if (attribute is IFromQueryMetadata { Name: { Length: > 0 } query }) return query;
            if (attribute is IFromRouteMetadata { Name: { Length: > 0 } route }) return route;
        }
        return parameter.Name;
    }

    private static bool Parses(Type type, string value)
    {
        if (type == typeof(string)) return true;
        if (type.IsEnum) return Enum.TryParse(type, value, ignoreCase: true, out _);
        var withProvider = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
        if (withProvider is not null) return (bool)withProvider.Invoke(null, [value, CultureInfo.InvariantCulture, null])!;
        var plain = type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
        // A type the hub cannot check here: assume it parsed, so that another parameter (or none) is named.
        return plain is null || (bool)plain.Invoke(null, [value, null])!;
    }
}
