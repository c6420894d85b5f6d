using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// A string property or list of strings may carry longer text than <see cref="InputBounds.MaxTextLength"/> (or must
/// carry less), or line breaks in a name-like field.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TextLimitAttribute(int maxLength) : Attribute
{
    public int MaxLength { get; } = maxLength;
}

/// <summary>A list property may hold more (or must hold fewer) items than <see cref="InputBounds.MaxItems"/>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ItemLimitAttribute(int maxItems) : Attribute
{
    public int MaxItems { get; } = maxItems;
}

/// <summary>Characters no value a client sends may hold.</summary>
public static class InputText
{
    /// <summary>
    /// The index of the first character that may not appear in input, or -1: C0/C1 control characters (tab, CR and LF
    /// only where <paramref name="allowLineBreaks"/>), bidi embedding/override/isolate controls (they make text read
    /// differently from what it holds), lone surrogates and noncharacters U+FFFE/U+FFFF.
    /// </summary>
    public static int FindUnsafe(string? value, bool allowLineBreaks)
    {
        if (value is null) return -1;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x20)
            {
                if (allowLineBreaks && c is '\t' or '\r' or '\n') continue;
                return i;
            }
            if (c is >= '\u007f' and <= '\u009f') return i;
            if (c is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' or '\ufffe' or '\uffff') return i;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
                return i;
            }
            if (char.IsLowSurrogate(c)) return i;
        }
        return -1;
    }
}

/// <summary>The refusal of one value of a JSON body, naming the property (never the value).</summary>
public sealed class InputBoundException(string property, string message) : JsonException(message)
{
    public string Property { get; } = property;
}

/// <summary>
/// Bounds on every JSON body the hub's own types are read from (minimal APIs' <c>JsonOptions</c>), checked as each
/// object is read, before any endpoint sees it: strings at most <see cref="MaxTextLength"/> characters (names and
/// codes <see cref="MaxNameLength"/>) with none of <see cref="InputText.FindUnsafe"/>'s characters, and line breaks
/// only in free text; lists at most <see cref="MaxItems"/> items. <see cref="TextLimitAttribute"/> and
/// <see cref="ItemLimitAttribute"/> on a property set its own bound. Writing is untouched.
/// </summary>
public static class InputBounds
{
    public const int MaxTextLength = 10_000;
    public const int MaxNameLength = 200;
    public const int MaxItems = 100;

    public static void Apply(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || typeInfo.Type.Assembly.GetName().Name?.StartsWith("ReferralHub", StringComparison.Ordinal) != true)
            return;
        var checks = typeInfo.Properties.Select(p => Check(typeInfo.Type, p)).OfType<Action<object>>().ToArray();
        if (checks.Length == 0) return;
        var previous = typeInfo.OnDeserialized;
        typeInfo.OnDeserialized = value =>
        {
            foreach (var check in checks) check(value);
            previous?.Invoke(value);
        };
    }

    private static Action<object>? Check(Type owner, JsonPropertyInfo property)
    {
        if (property.Get is not { } get) return null;
        var type = property.PropertyType;
        var name = property.Name;
        var attributes = Attributes(owner, property);
        var nameLike = IsNameLike(name);
        var maxLength = attributes.OfType<TextLimitAttribute>().FirstOrDefault()?.MaxLength ?? (nameLike ? MaxNameLength : MaxTextLength);
        var maxItems = attributes.OfType<ItemLimitAttribute>().FirstOrDefault()?.MaxItems ?? MaxItems;

        if (type == typeof(string))
            return value => CheckText(name, get(value) as string, maxLength, !nameLike);
        if (typeof(IEnumerable).IsAssignableFrom(type))
            return value =>
            {
                if (get(value) is not IEnumerable items) return;
                var count = 0;
                foreach (var item in items)
                {
                    if (++count > maxItems) throw new InputBoundException(name, $"At most {maxItems} items.");
                    if (item is string text) CheckText(name, text, maxLength, !nameLike);
                    else if (item is DictionaryEntry { Value: string entry }) CheckText(name, entry, maxLength, !nameLike);
                }
            };
        return null;
    }

    private static void CheckText(string name, string? text, int maxLength, bool allowLineBreaks)
    {
        if (text is null) return;
        if (text.Length > maxLength) throw new InputBoundException(name, $"At most {maxLength} characters.");
        if (InputText.FindUnsafe(text, allowLineBreaks) >= 0)
            throw new InputBoundException(name, allowLineBreaks
                ? "Control, bidi-override and unpaired surrogate characters are not accepted."
                : "A name or code holds no control characters, line breaks or bidi overrides.");
    }

    /// <summary>Names, codes, identifiers, e-mail addresses and phone numbers are one line; other text may have several.</summary>
    private static bool IsNameLike(string jsonName)
    {
        var n = jsonName.ToLowerInvariant();
        return n.EndsWith("code", StringComparison.Ordinal) || n.EndsWith("codes", StringComparison.Ordinal)
            || n.EndsWith("name", StringComparison.Ordinal) || n.EndsWith("names", StringComparison.Ordinal)
            || n.EndsWith("id", StringComparison.Ordinal) || n.EndsWith("ids", StringComparison.Ordinal)
            || n.EndsWith("email", StringComparison.Ordinal) || n.EndsWith("phone", StringComparison.Ordinal)
            || n is "agency" or "area" or "areas" or "organisation" or "organisations" or "service" or "services" or "purpose"
                or "role" or "roles" or "status" or "priority" or "sex" or "language" or "languages" or "version";
    }

    private static object[] Attributes(Type owner, JsonPropertyInfo property)
    {
        var found = new List<object>();
        if (property.AttributeProvider is { } provider) found.AddRange(provider.GetCustomAttributes(inherit: true));
        // A positional record's attribute sits on its constructor parameter unless targeted with [property: ...].
        foreach (var constructor in owner.GetConstructors(BindingFlags.Public | BindingFlags.Instance))
            foreach (var parameter in constructor.GetParameters())
                if (string.Equals(parameter.Name, (property.AttributeProvider as MemberInfo)?.Name, StringComparison.Ordinal))
                    found.AddRange(parameter.GetCustomAttributes(inherit: true));
        return [.. found];
    }
}
