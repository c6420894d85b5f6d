using System.IO.Compression;
using System.Text.Json;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Localization;

namespace ReferralHub.Portal.Forms;

/// <summary>
/// A refused form, carried across post/redirect/get: the page that failed redirects to itself (so a reload never sends
/// the form again) and the next view shows everything that was typed and chosen, the message beside each field and a
/// summary at the top that links to the fields.
/// </summary>
/// <remarks>
/// The values travel back to the same browser only, in ASP.NET Core's TempData cookie: encrypted and signed by Data
/// Protection, compressed, read once and then deleted. They are never written to the portal's store or logged.
/// </remarks>
public sealed class FormFailure
{
    private const string Key = "form-failure";

    /// <summary>A bound on what goes back in the cookie: headers stay far below the server's limit.</summary>
    private const int MaxCookieBytes = 12 * 1024;

    public string? Title { get; init; }

    public Dictionary<string, string[]> Errors { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string[]> Values { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The first value typed in the input named <paramref name="name"/>, or null.</summary>
    public string? Value(string name) => Values.TryGetValue(name, out var v) && v.Length > 0 ? v[0] : null;

    /// <summary>Whether <paramref name="value"/> was chosen in the select, radio group or check boxes named <paramref name="name"/>.</summary>
    public bool Chosen(string name, string value) => Values.TryGetValue(name, out var v) && v.Contains(value, StringComparer.Ordinal);

    /// <summary>The typed values as a value provider, so a page binds its form model from them as from the post.</summary>
    public IValueProvider AsValueProvider() =>
        new FormValueProvider(BindingSource.Form,
            new FormCollection(Values.ToDictionary(v => v.Key, v => new Microsoft.Extensions.Primitives.StringValues(v.Value))),
            CultureInfo.CurrentCulture);

    public string? FieldError(string field) => Errors.TryGetValue(field, out var m) && m.Length > 0 ? string.Join(" ", m) : null;

    /// <summary>Stores the failure for the next view and answers the redirect to the same page (the GET).</summary>
    public static IActionResult RedirectBack(PageModel page, string? title, IReadOnlyDictionary<string, string[]> errors, object? routeValues = null, bool keepValues = true, string? fragment = "error-summary", IReadOnlyCollection<string>? except = null)
    {
        // Fields named in except (a secret typed by the admin) stay out of this cookie: see ShownOnce.
        var failure = new FormFailure
        {
            Title = title,
            Errors = new(errors, StringComparer.OrdinalIgnoreCase),
            Values = keepValues && page.Request.HasFormContentType
                ? page.Request.Form.Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal) && except?.Contains(f.Key, StringComparer.OrdinalIgnoreCase) != true)
                    .ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? "").ToArray(), StringComparer.OrdinalIgnoreCase)
                : new(StringComparer.OrdinalIgnoreCase),
        };
        page.TempData[Key] = Pack(failure);
        var url = page.Url.Page(page.RouteData.Values["page"]?.ToString(), pageHandler: null, values: routeValues ?? page.RouteData.Values.Where(v => v.Key != "page" && v.Key != "handler").ToDictionary())!;
        return new RedirectResult(fragment is null ? url : url + "#" + fragment);
    }

    /// <summary>The failure kept by the post before the redirect, once; null on a normal view.</summary>
    public static FormFailure? Take(ITempDataDictionary tempData) =>
        tempData.TryGetValue(Key, out var packed) && packed is string s ? Unpack(s) : null;

    /// <summary>
    /// The summary's lines: each error once, in plain words when the portal has them for the field
    /// (<c>Form.{page}.{field}</c>), linked to the input the page names for it.
    /// </summary>
    public IReadOnlyList<(string? Href, string Message)> Summary(IStringLocalizer text, string page, IReadOnlyDictionary<string, string>? inputIds = null) =>
        Errors.Select(e => (
                Href: e.Key.Length == 0 ? null : "#" + (inputIds is not null && inputIds.TryGetValue(e.Key, out var id) ? id : e.Key),
                Message: Message(text, page, e.Key) ?? string.Join(" ", e.Value)))
            .ToList();

    /// <summary>The message beside a field: the portal's plain words for it when it has them, else the service's.</summary>
    public string? Beside(IStringLocalizer text, string page, string field) =>
        FieldError(field) is null ? null : Message(text, page, field) ?? FieldError(field);

    private static string? Message(IStringLocalizer text, string page, string field)
    {
        if (field.Length == 0) return null;
        var plain = text[$"Form.{page}.{field}"];
        return plain.ResourceNotFound ? null : plain.Value;
    }

    private static string Pack(FormFailure failure)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(failure);
        var packed = Compress(json);
        if (packed.Length > MaxCookieBytes)
        {
            // Very long texts cannot go back in a cookie: keep the errors and the short values, drop only the longest.
            var trimmed = new FormFailure
            {
                Title = failure.Title,
                Errors = failure.Errors,
                Values = failure.Values.Where(v => v.Value.Sum(x => x.Length) <= 500).ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase),
            };
            packed = Compress(JsonSerializer.SerializeToUtf8Bytes(trimmed));
        }
        return Convert.ToBase64String(packed);
    }

    private static byte[] Compress(byte[] json)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest)) brotli.Write(json);
        return output.ToArray();
    }

    private static FormFailure? Unpack(string packed)
    {
        try
        {
            using var input = new BrotliStream(new MemoryStream(Convert.FromBase64String(packed)), CompressionMode.Decompress);
            var failure = JsonSerializer.Deserialize<FormFailure>(input);
            if (failure is null) return null;
            return new FormFailure
            {
                Title = failure.Title,
                Errors = new(failure.Errors, StringComparer.OrdinalIgnoreCase),
                Values = new(failure.Values, StringComparer.OrdinalIgnoreCase),
            };
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidDataException)
        {
            return null; // a cookie from an older portal version: show the page as new
        }
    }
}
