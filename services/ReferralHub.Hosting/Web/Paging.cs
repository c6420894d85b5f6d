using System.Globalization;
using System.Text;

namespace ReferralHub.Hosting.Web;

/// <summary>
/// The one list shape of every service (docs/api-conventions.md, Lists): the items of this page and the opaque cursor
/// of the next one (null on the last page; a change feed always gives one, to poll with).
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor)
{
    /// <summary>The same page with each item turned into what the answer shows.</summary>
    public Page<TOut> Map<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), NextCursor);
}

/// <summary>
/// Reading <c>limit</c> and <c>cursor</c> the same way everywhere: a cursor is an opaque base64url text this API wrote
/// (a client never builds one), a bad one or a limit out of range is a 400 naming the field.
/// </summary>
public static class Paging
{
    /// <summary>The largest page any list serves.</summary>
    public const int MaxLimit = 500;

    /// <summary>Writes a position (a key, a sequence number) as an opaque cursor.</summary>
    public static string Cursor(string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(position)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Cursor(long sequence) => Cursor(sequence.ToString(CultureInfo.InvariantCulture));

    /// <summary>The position a cursor holds; null when it is not one this API wrote.</summary>
    public static string? Position(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 200) return null;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return text.Length > 0 && text.All(c => !char.IsControl(c)) ? text : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Checks <c>limit</c> (1..max) and <c>cursor</c>, adding a field error for each wrong one; gives the page size and position.</summary>
    public static (int Take, string? After) Read(FieldErrors errors, string? cursor, int? limit, int defaultLimit, int max = MaxLimit)
    {
        if (limit is { } l && (l < 1 || l > max)) errors.Add("limit", $"must be between 1 and {max}");
        var after = Position(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "is not a cursor this API returned");
        return (Math.Clamp(limit ?? defaultLimit, 1, max), after);
    }

    /// <summary>Like <see cref="Read"/> for a feed ordered by a sequence number.</summary>
    public static (int Take, long After) ReadSequence(FieldErrors errors, string? cursor, int? limit, int defaultLimit, int max = MaxLimit)
    {
        var (take, after) = Read(errors, cursor, limit, defaultLimit, max);
        long from = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from) && !errors.Has("cursor"))
            errors.Add("cursor", "is not a cursor this API returned");
        return (take, from);
    }

    /// <summary>
    /// Like <see cref="Read"/> for a list ordered by a time and an id (keyset, stable while rows are added): the cursor
    /// holds the last item's time and id, written by <see cref="Cursor(DateTime, Guid)"/>.
    /// </summary>
    public static (int Take, (DateTime At, Guid Id)? After) ReadTimeKey(FieldErrors errors, string? cursor, int? limit, int defaultLimit, int max = MaxLimit)
    {
        var (take, after) = Read(errors, cursor, limit, defaultLimit, max);
        var key = TimeKey(after);
        if (after is not null && key is null && !errors.Has("cursor")) errors.Add("cursor", "is not a cursor this API returned");
        return (take, key);
    }

    /// <summary>The cursor after an item ordered by a time and an id.</summary>
    public static string Cursor(DateTime at, Guid id) =>
        Cursor($"{at.Ticks.ToString(CultureInfo.InvariantCulture)}:{id:N}");

    private static (DateTime At, Guid Id)? TimeKey(string? position)
    {
        var parts = position?.Split(':');
        return parts is [var ticks, var id] && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && t <= DateTime.MaxValue.Ticks && Guid.TryParseExact(id, "N", out var g)
            ? (new DateTime(t, DateTimeKind.Utc), g) : null;
    }

    /// <summary>
    /// The page from rows read one past the page size (<c>Take(take + 1)</c>): the extra row only says there is more;
    /// the cursor is the last kept row's position.
    /// </summary>
    public static Page<T> Trim<T>(List<T> rows, int take, Func<T, string> cursorOf)
    {
        var more = rows.Count > take;
        if (more) rows.RemoveRange(take, rows.Count - take);
        return new(rows, more ? cursorOf(rows[^1]) : null);
    }

    /// <summary>
    /// One page of a short list already in memory (areas, organisations), ordered by a unique key (ordinal, so every
    /// database orders it alike); the cursor is the last key of the page.
    /// </summary>
    public static Page<T> Of<T>(IEnumerable<T> items, Func<T, string> key, string? after, int take)
    {
        var rows = items.OrderBy(key, StringComparer.Ordinal)
            .Where(i => after is null || string.CompareOrdinal(key(i), after) > 0)
            .Take(take + 1).ToList();
        var more = rows.Count > take;
        if (more) rows.RemoveAt(take);
        return new(rows, more ? Cursor(key(rows[^1])) : null);
    }
}
