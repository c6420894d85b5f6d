using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Answer;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Release;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Query;

public sealed record ReferralListItem(Guid Id, string CaseCode, string Status, string? Reason, string ServiceType, string Priority, string? AreaCode,
    string? OrganisationCode, DateTime? DeadlineAt, bool Overdue, DateTime CreatedAt, DateTime UpdatedAt, int Version);

/// <summary>An inbox line: the summary fields only while offered, as the release gate allows them (null otherwise).</summary>
public sealed record InboxItem(Guid Id, string Status, string ServiceType, string Priority, string? AreaCode, Guid? ServiceId,
    string? AgeBand, string? Sex, IReadOnlyList<string> Languages, string? CommunicationNeeds, DateTime? OfferedAt, DateTime? DeadlineAt, bool Overdue,
    bool ConsentWithdrawn, DateTime? AcceptedAt, DateOnly? ServiceStartedOn, string? ChildInitials);

public sealed record ChangeItem(long Sequence, Guid ReferralId, string Status, string? Reason, string? OrganisationCode, bool Overdue, int Version, DateTime ChangedAt);

public static class QueryEndpoints
{
    public const int MaxPage = 100;

    public static RouteGroupBuilder MapReferralQueries(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}", GetAsync).WithName("GetReferral")
            .WithSummary("The referring agency sees the whole referral; the addressed provider its summary, or after acceptance the released payload.");
        group.MapGet("/", ListAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor)).WithName("ListReferrals");
        group.MapGet("/changes", ChangesAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer, Roles.Supervisor)).WithName("ReferralChanges")
            .WithSummary("Every status change of the caller's referrals after a cursor (for systems that cannot receive callbacks).");
        return group;
    }

    public static RouteGroupBuilder MapInbox(this RouteGroupBuilder group)
    {
        group.MapGet("/", InboxAsync).RequireAuthorization(p => p.RequireRole(Roles.Provider)).WithName("ProviderInbox")
            .WithSummary("Referrals offered to the caller's organisation: a minimal summary only.");
        return group;
    }

    private static async Task<Results<Ok<ReferralView>, ProblemHttpResult>> GetAsync(
        Guid id, ClaimsPrincipal user, ReferralsDbContext db, ReleaseGate gate, CancellationToken cancellationToken)
    {
        var referral = await db.Referrals.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        // Not a party (another agency's referral): it does not exist for this caller.
        var view = referral is null ? null : await gate.ViewAsync(referral, ReleaseGate.PartyOf(referral, user), cancellationToken);
        return view is null ? Problems.NotFound("No such referral for this caller.") : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<Page<ReferralListItem>>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, ReferralsDbContext db, string? status, string? priority, bool? overdue, string? caseCode, DateTime? updatedSince,
        string? idempotencyKey, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.OneOf("status", status, ReferralStatuses.All);
        errors.OneOf("priority", priority, Priorities.All);
        var after = Cursor.Parse(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "not a cursor this API returned");
        if (limit is < 1 or > MaxPage) errors.Add("limit", $"between 1 and {MaxPage}");
        if (errors.Any) return Problems.Invalid(errors);

        var agency = user.Agency();
        var query = db.Referrals.AsNoTracking().Where(r => r.AgencyCode == agency);
        if (status is not null) query = query.Where(r => r.Status == status);
        if (priority is not null) query = query.Where(r => r.Priority == priority);
        if (overdue is { } o) query = query.Where(r => r.Overdue == o);
        if (caseCode is not null) query = query.Where(r => r.CaseCode == caseCode);
        if (updatedSince is { } since) { var s = since.ToUniversalTime(); query = query.Where(r => r.UpdatedAt >= s); }
        // The key the agency submitted with (FHIR: the ServiceRequest identifier it created the referral with); keys are the origin agency's.
        if (idempotencyKey is not null) query = query.Where(r => r.IdempotencyKey == idempotencyKey && r.OriginAgencyCode == agency);
        if (after is { } a) query = query.Where(r => r.CreatedAt > a.At || (r.CreatedAt == a.At && r.Id.CompareTo(a.Id) > 0));
        var take = limit ?? 50;
        var rows = await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(take + 1)
            .Select(r => new ReferralListItem(r.Id, r.CaseCode, r.Status, r.StatusReason, r.ServiceType, r.Priority, r.AreaCode, r.OrganisationCode,
                r.DeadlineAt, r.Overdue, r.CreatedAt, r.UpdatedAt, r.Version))
            .ToListAsync(cancellationToken);
        var more = rows.Count > take;
        if (more) rows.RemoveAt(take);
        return TypedResults.Ok(new Page<ReferralListItem>(rows, more ? Cursor.Format(rows[^1].CreatedAt, rows[^1].Id) : null));
    }

    /// <summary>What the inbox lists without a status: the offers still waiting for this provider's answer.</summary>
    public const string NeedsAnswer = "needs-answer";

    /// <summary>Every referral ever addressed to the provider (the inbox before it defaulted to what needs an answer).</summary>
    public const string All = "all";

    /// <summary>
    /// The provider's inbox. By default what needs an answer — offers not yet accepted or declined — soonest deadline
    /// first, so the one about to lapse is on top; <c>status=all</c> lists everything ever addressed to the provider,
    /// oldest first, and a status lists those (withdrawn and declined include their routing variants).
    /// </summary>
    private static async Task<Results<Ok<Page<InboxItem>>, ValidationProblem>> InboxAsync(
        ClaimsPrincipal user, ReferralsDbContext db, ReleaseGate gate, string? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.OneOf("status", status, [NeedsAnswer, All, ReferralStatuses.Offered, ReferralStatuses.Accepted, ReferralStatuses.InService,
            ReferralStatuses.Completed, ReferralStatuses.Declined, ReferralStatuses.Withdrawn]);
        var after = Cursor.Parse(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "not a cursor this API returned");
        if (limit is < 1 or > MaxPage) errors.Add("limit", $"between 1 and {MaxPage}");
        if (errors.Any) return Problems.Invalid(errors);

        var organisation = user.Agency();
        var query = db.Referrals.AsNoTracking().Where(r => r.OrganisationCode == organisation && r.Status != ReferralStatuses.Submitted);
        var take = limit ?? 50;
        List<Referral> rows;
        if (status is null or NeedsAnswer)
        {
            // An offer's deadline is set when it is offered; the cursor holds the deadline and id of the last one shown.
            query = query.Where(r => r.Status == ReferralStatuses.Offered);
            if (after is { } d) query = query.Where(r => r.DeadlineAt > d.At || (r.DeadlineAt == d.At && r.Id.CompareTo(d.Id) > 0));
            rows = await query.OrderBy(r => r.DeadlineAt).ThenBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        }
        else
        {
            query = status switch
            {
                All => query,
                ReferralStatuses.Withdrawn => query.Where(r => r.Status == ReferralStatuses.Withdrawn || r.Status == ReferralStatuses.BlockedConsent),
                ReferralStatuses.Declined => query.Where(r => r.Status == ReferralStatuses.Declined || r.Status == ReferralStatuses.Unplaced),
                _ => query.Where(r => r.Status == status),
            };
            if (after is { } a) query = query.Where(r => r.CreatedAt > a.At || (r.CreatedAt == a.At && r.Id.CompareTo(a.Id) > 0));
            rows = await query.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(take + 1).ToListAsync(cancellationToken);
        }
        var more = rows.Count > take;
        if (more) rows.RemoveAt(take);
        var items = await gate.InboxItemsAsync(rows, cancellationToken);
        var last = more ? rows[^1] : null;
        var next = last is null ? null
            : Cursor.Format(status is null or NeedsAnswer ? last.DeadlineAt ?? DateTime.MaxValue : last.CreatedAt, last.Id);
        return TypedResults.Ok(new Page<InboxItem>(items, next));
    }

    /// <summary>
    /// The change feed after a cursor, in the order the changes happened. <c>after</c> is the name the feed had before
    /// lists were made uniform (a sequence number); it is still read, and also takes a cursor this API returned, so a
    /// client that passes each <c>nextCursor</c> back as <c>after</c> keeps working.
    /// </summary>
    private static async Task<Results<Ok<Page<ChangeItem>>, ValidationProblem>> ChangesAsync(
        ClaimsPrincipal user, ReferralsDbContext db, string? cursor, string? after, int? limit, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, from) = Paging.ReadSequence(errors, cursor, limit, defaultLimit: 100);
        if (cursor is null && after is not null)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from)
                && !long.TryParse(Paging.Position(after), NumberStyles.None, CultureInfo.InvariantCulture, out from))
                errors.Add("after", "is not a cursor this API returned");
        }
        if (errors.Any) return Problems.Invalid(errors);
        var agency = user.Agency();
        var rows = await db.Changes.AsNoTracking().Where(c => c.AgencyCode == agency && c.Kind == ReferralChange.ReferralKind && c.Sequence > from).OrderBy(c => c.Sequence).Take(take)
            .Select(c => new ChangeItem(c.Sequence, c.ReferralId, c.Status, c.Reason, c.OrganisationCode, c.Overdue, c.Version, c.ChangedAt))
            .ToListAsync(cancellationToken);
        // The cursor stays put when nothing is new, so a poller just repeats the same call.
        return TypedResults.Ok(new Page<ChangeItem>(rows, Paging.Cursor(rows.Count > 0 ? rows[^1].Sequence : from)));
    }
}

/// <summary>Opaque keyset cursor: creation time and id of the last row of the previous page.</summary>
internal static class Cursor
{
    public static string Format(DateTime at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.Ticks.ToString(CultureInfo.InvariantCulture)}:{id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTime At, Guid Id)? Parse(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 100) return null;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks && Guid.TryParseExact(parts[1], "N", out var id))
                return (new DateTime(ticks, DateTimeKind.Utc), id);
        }
        catch (FormatException) { }
        return null;
    }
}
