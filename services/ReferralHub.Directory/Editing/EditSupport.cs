using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Editing;

public sealed record FocalPointInput(Guid? Id, string? Name, string? Role, string? Phone, string? Email);

public sealed record VersionInput(long? Version);

public sealed record HistoryDto(long Version, string Action, DateTime At, string By, string? ByAgency, IReadOnlyList<string> Changes, JsonElement Snapshot);

/// <summary>Who may edit what (docs/directory.md, "Permissions"). Reading is open to every authenticated caller.</summary>
public static class Permissions
{
    public static IReadOnlyList<string> MaintainedAreas(this ClaimsPrincipal user) =>
        user.HubRoles().Contains(Roles.PathwayMaintainer) ? [.. user.FindAll(HubClaims.Area).Select(c => c.Value)] : [];

    /// <summary>A pathway maintainer edits an area it was assigned, and everything below it.</summary>
    public static bool MaintainsArea(this ClaimsPrincipal user, DirectoryView view, string areaCode) =>
        user.MaintainedAreas().Any(scope => view.IsWithin(areaCode, scope));

    public static bool MaintainsAll(this ClaimsPrincipal user, DirectoryView view, IEnumerable<string> areaCodes)
    {
        var codes = areaCodes.ToList();
        return codes.Count > 0 && codes.All(code => user.MaintainsArea(view, code));
    }

    public static bool IsMaintainer(this ClaimsPrincipal user) => user.MaintainedAreas().Count > 0;

    /// <summary>An agency admin manages only its own organisation (the token's agency claim = organisation code).</summary>
    public static bool AdministersOrganisation(this ClaimsPrincipal user, string organisationCode) =>
        user.HubRoles().Contains(Roles.AgencyAdmin) && string.Equals(user.Agency(), organisationCode, StringComparison.Ordinal);
}

public static class EditResults
{
    public static IResult StaleVersion(long current) =>
        Problems.Conflict($"Your version is out of date; the current version is {current}. Read it again and reapply your change.",
            "The entry was changed since you read it.", extensions: new Dictionary<string, object?> { ["currentVersion"] = current });

    /// <summary>Checks the client's version against the stored one: missing → 400, different → 409.</summary>
    public static IResult? CheckVersion(long? given, long current, FieldErrors errors)
    {
        if (given is null)
        {
            errors.Add("version", "is required: send the version you read (optimistic concurrency)");
            return errors.ToProblem();
        }
        return given.Value != current ? StaleVersion(current) : null;
    }

    /// <summary>Saves; a concurrent edit that slipped between read and write (version column changed) is a 409 too.</summary>
    public static async Task<IResult?> SaveAsync(DirectoryDbContext db, DirectoryCache cache, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("Another edit was saved at the same time; read it again and reapply your change.", "The entry was changed since you read it.");
        }
        catch (DbUpdateException)
        {
            // Unique codes (organisation code, one pathway per area and type) raced with another create.
            return Problems.Conflict("Read the list again; the code or the area and service type are taken.", "An entry with the same code already exists.");
        }
        finally
        {
            cache.Invalidate();
        }
        return null;
    }

    /// <summary>An entry's versions, oldest first, a page at a time (keyset on version and row id: "version:id").</summary>
    public static async Task<IResult> HistoryAsync(DirectoryDbContext db, string kind, string id, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var entries = db.History.AsNoTracking().Where(h => h.EntityKind == kind && h.EntityId == id);
        if (!await entries.AnyAsync(cancellationToken)) return Problems.NotFound($"No such {kind}.");
        var errors = new FieldErrors();
        var (take, position) = Paging.Read(errors, cursor, limit, defaultLimit: 100);
        long afterVersion = 0, afterId = 0;
        if (position is not null && !(position.Split(':') is [var v, var i]
                && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out afterVersion)
                && long.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out afterId)))
            errors.Add("cursor", "is not a cursor this API returned");
        if (errors.Any) return Problems.Invalid(errors);
        if (position is not null) entries = entries.Where(h => h.Version > afterVersion || (h.Version == afterVersion && h.Id > afterId));
        var rows = await entries.OrderBy(h => h.Version).ThenBy(h => h.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.Trim(rows, take, h => Paging.Cursor(FormattableString.Invariant($"{h.Version}:{h.Id}"))).Map(h => new HistoryDto(
            h.Version, h.Action, h.At, h.By, h.ByAgency, JsonSerializer.Deserialize<string[]>(h.Changes) ?? [], JsonDocument.Parse(h.Snapshot).RootElement.Clone())));
    }
}

public static partial class Validation
{
    [GeneratedRegex(@"^\+?[0-9][0-9 ()\-]{4,24}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-]{0,63}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
    private static partial Regex LanguagePattern();

    public static bool IsCode(string? value) => value is not null && CodePattern().IsMatch(value);

    public static void Code(FieldErrors errors, string field, string? value)
    {
        errors.Require(field, value);
        if (!string.IsNullOrWhiteSpace(value) && !IsCode(value)) errors.Add(field, "must be lower-case letters, digits and '-', at most 64 characters");
    }

    public static void Text(FieldErrors errors, string field, string? value, int max, bool required = false)
    {
        if (required) errors.Require(field, value);
        errors.MaxLength(field, value, max);
    }

    public static void Email(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (value.Length > Limits.Name || !MailAddress.TryCreate(value, out var parsed) || parsed.Address != value || !value.Contains('.', StringComparison.Ordinal))
            errors.Add(field, "is not an e-mail address");
    }

    public static void Phone(FieldErrors errors, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !PhonePattern().IsMatch(value)) errors.Add(field, "is not a phone number (digits, spaces, ()-, optional leading +)");
    }

    public static void Languages(FieldErrors errors, string field, IReadOnlyList<string>? values)
    {
        if (values is null) return;
        if (values.Count > Limits.ListItems) errors.Add(field, $"at most {Limits.ListItems} items");
        for (var i = 0; i < values.Count; i++)
            if (values[i] is null || !LanguagePattern().IsMatch(values[i])) errors.Add($"{field}[{i}]", "is not a language code (ISO 639, e.g. 'ar')");
    }

    public static void OneOf(FieldErrors errors, string field, IReadOnlyList<string>? values, IReadOnlyList<string> allowed)
    {
        if (values is null) return;
        if (values.Count > Limits.ListItems) errors.Add(field, $"at most {Limits.ListItems} items");
        for (var i = 0; i < values.Count; i++)
            if (!allowed.Contains(values[i])) errors.Add($"{field}[{i}]", $"must be one of {string.Join(", ", allowed)}");
    }

    public static void FocalPoints(FieldErrors errors, string field, IReadOnlyList<FocalPointInput>? values)
    {
        if (values is null) return;
        if (values.Count > Limits.ListItems) errors.Add(field, $"at most {Limits.ListItems} items");
        for (var i = 0; i < values.Count; i++)
        {
            var f = values[i];
            if (f is null) { errors.Add($"{field}[{i}]", "is required"); continue; }
            Text(errors, $"{field}[{i}].name", f.Name, Limits.Name, required: true);
            Text(errors, $"{field}[{i}].role", f.Role, Limits.Name);
            Phone(errors, $"{field}[{i}].phone", f.Phone);
            Email(errors, $"{field}[{i}].email", f.Email);
        }
    }

    public static List<FocalPoint> ToFocalPoints(IReadOnlyList<FocalPointInput>? values) =>
        [.. (values ?? []).Select(f => new FocalPoint
        {
            Id = f.Id ?? Guid.NewGuid(),
            Name = f.Name!.Trim(),
            Role = Blank(f.Role),
            Phone = Blank(f.Phone),
            Email = Blank(f.Email),
        })];

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Collects the names of fields an edit changes, for the attributed history.</summary>
public sealed class ChangeSet
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<string> _fields = [];

    public IReadOnlyList<string> Fields => _fields;

    public bool Any => _fields.Count > 0;

    public bool Has(string field) => _fields.Contains(field);

    public void Set<T>(string field, T current, T next, Action<T> apply)
    {
        if (JsonSerializer.Serialize(current, Json) == JsonSerializer.Serialize(next, Json)) return;
        _fields.Add(field);
        apply(next);
    }
}
