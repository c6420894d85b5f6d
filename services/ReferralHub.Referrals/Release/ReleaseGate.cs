using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Answer;
using ReferralHub.Referrals.Cases;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Notes;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Submit;

namespace ReferralHub.Referrals.Release;

/// <summary>Who a caller is to one referral; decides what the <see cref="ReleaseGate"/> lets it read.</summary>
public enum Party
{
    /// <summary>Not a party: the referral does not exist for it (404).</summary>
    None,

    /// <summary>The agency that sent the referral and still follows the case up: everything it sent.</summary>
    Referrer,

    /// <summary>The agency that sent it, after a case transfer moved the referral to another agency: what it sent, up to the move.</summary>
    Origin,

    /// <summary>The agency the case was transferred to: routing facts and what happened since the move, nothing of the referral form.</summary>
    Owner,

    /// <summary>The organisation the referral was offered to: the summary while offered, the released items after acceptance.</summary>
    Provider,
}

/// <summary>
/// The one release gate of the referral service: it owns the question "which items of this referral may this caller
/// read now?" and is the only code that decrypts a referral's personal data (payload, summary, notes, decline details,
/// service report). It takes the consent in force as the hub last learned it (the withholds the registry answered at
/// offer and at release, the withdrawal), the need-to-know profile of the service type and the release record; every
/// read path — referral views for every party, the provider inbox, notes, case export, and through the REST API the
/// FHIR facade and the portal — asks it. The rule, as a table, is in docs/data-protection.md.
/// </summary>
public sealed class ReleaseGate(ReferralsDbContext db, IPersonalDataProtector<ReferralsDbContext> protector, NeedToKnowProfiles profiles)
{
    private static readonly JsonSerializerOptions Json = ReferralJson.Options;

    /// <summary>What the provider is told once the child's consent was withdrawn after it accepted.</summary>
    public const string WithdrawnNotice =
        "The child's consent to share information was withdrawn: the hub no longer serves this referral's information and no note can be exchanged. " +
        "Do not use or pass on what you received; delete copies your service does not need by law. A service already under way may go on only " +
        "where the child/family agrees directly with you; record its start/completion so the caseworker can follow up.";

    public static Party PartyOf(Referral r, ClaimsPrincipal user)
    {
        var agency = user.Agency();
        if (agency is null) return Party.None;
        var roles = user.HubRoles();
        var caseSide = roles.Contains(Roles.Referrer) || roles.Contains(Roles.Supervisor);
        if (caseSide && r.AgencyCode == agency) return r.AgencyCode == r.OriginAgencyCode ? Party.Referrer : Party.Owner;
        if (caseSide && r.OriginAgencyCode == agency) return Party.Origin;
        if (roles.Contains(Roles.Provider) && r.OrganisationCode == agency && r.Status != ReferralStatuses.Submitted) return Party.Provider;
        return Party.None;
    }

    /// <summary>The referral as <paramref name="party"/> may read it now, or null when it is not a party.</summary>
    public async Task<ReferralView?> ViewAsync(Referral r, Party party, CancellationToken cancellationToken) => party switch
    {
        Party.Referrer => await ReferrerViewAsync(r, cancellationToken),
        Party.Origin => await OriginViewAsync(r, cancellationToken),
        Party.Owner => await OwnerViewAsync(r, cancellationToken),
        Party.Provider => await ProviderViewAsync(r, cancellationToken),
        _ => null,
    };

    /// <summary>
    /// One inbox line: the summary only while the referral is offered to the caller and consent stands. Once the
    /// provider accepted: when, when the service started, and the child's initials only where the release in force
    /// gives this provider the child's name — so a focal point tells the children of a list apart without names in it.
    /// </summary>
    public async Task<InboxItem> InboxItemAsync(Referral r, CancellationToken cancellationToken) =>
        (await InboxItemsAsync([r], cancellationToken))[0];

    /// <summary>
    /// A page of inbox lines (<see cref="InboxItemAsync"/> for each), with the releases the accepted ones need read in
    /// one query for the page rather than one per line (docs/benchmarks.md, issue 17 session 10: a page of accepted
    /// referrals cost a query each, so the "all" page of a provider with a long history grew with its share of accepted ones).
    /// </summary>
    public async Task<List<InboxItem>> InboxItemsAsync(IReadOnlyList<Referral> rows, CancellationToken cancellationToken)
    {
        var releases = await ServedReleasesAsync(rows, cancellationToken);
        var items = new List<InboxItem>(rows.Count);
        foreach (var r in rows)
        {
            var summary = await SummaryAsync(r, cancellationToken);
            var accepted = r.Status is ReferralStatuses.Accepted or ReferralStatuses.InService or ReferralStatuses.Completed;
            items.Add(new InboxItem(r.Id, ProviderStatus.Of(r.Status), r.ServiceType, r.Priority, r.AreaCode, r.ServiceId,
                summary?.AgeBand, summary?.Sex, summary?.Languages ?? [], summary?.CommunicationNeeds, r.OfferedAt, r.DeadlineAt, r.Overdue,
                ConsentWithdrawn: r.ConsentWithdrawnAt is not null,
                AcceptedAt: accepted ? r.AcceptedAt : null,
                ServiceStartedOn: accepted && r.ServiceStartedOn is { } started ? DateOnly.FromDateTime(started) : null,
                ChildInitials: accepted ? await InitialsAsync(r, releases.GetValueOrDefault(r.Id), cancellationToken) : null));
        }
        return items;
    }

    /// <summary>"N. A.": the first letter of the child's first and last names, null unless the name is readable to the provider now.</summary>
    private async Task<string?> InitialsAsync(Referral r, ReferralRelease? release, CancellationToken cancellationToken)
    {
        if (release is null) return null;
        var readable = ReleaseRule.Readable(JsonSerializer.Deserialize<List<string>>(release.ItemsJson, Json) ?? [],
            JsonSerializer.Deserialize<List<string>>(release.WithheldJson, Json) ?? [], r.ConsentWithdrawnAt is not null);
        if (!readable.Contains(ReferralItems.ChildName)) return null;
        // The child's names only: a page has up to 100 lines, and the rest of the payload is never shown in a list.
        var child = (await DecryptAsync<PayloadChildNames>(r, r.PayloadProtected, cancellationToken))?.Child;
        var initials = new[] { child?.FirstName, child?.LastName }
            .Where(n => !string.IsNullOrWhiteSpace(n))
            // A text element, not a char: a name in Bengali or Arabic script starts with more than one UTF-16 unit.
            .Select(n => System.Globalization.StringInfo.GetNextTextElement(n!.Trim()).ToUpperInvariant() + ".")
            .ToList();
        return initials.Count == 0 ? null : string.Join(" ", initials);
    }

    /// <summary>The notes <paramref name="party"/> may read, or null when it may read none.</summary>
    public async Task<IReadOnlyList<NoteView>?> NotesAsync(Referral r, Party party, CancellationToken cancellationToken) =>
        await NotesAsync(r, party, after: null, take: null, cancellationToken);

    /// <summary>The notes <paramref name="party"/> may read, oldest first; with <paramref name="take"/>, one page after <paramref name="after"/> plus one more row to tell whether there is a next page.</summary>
    public async Task<List<NoteView>?> NotesAsync(Referral r, Party party, (DateTime At, Guid Id)? after, int? take, CancellationToken cancellationToken)
    {
        var query = db.Notes.AsNoTracking().Where(n => n.ReferralId == r.Id);
        switch (party)
        {
            case Party.Referrer:
                break;
            case Party.Origin:
                // Up to the move: what it wrote and was answered while it followed the case up (never the new owner's).
                var movedAt = await MovedAtAsync(r, Party.Origin, cancellationToken);
                var owner = r.AgencyCode;
                query = query.Where(n => n.CreatedAt <= movedAt && n.AuthorAgency != owner);
                break;
            case Party.Owner:
                // After the move: the conversation the receiving agency takes part in, never the sender's earlier one
                // (strictly after: a note stamped in the same instant as the move belongs to the sender's side).
                var from = await MovedAtAsync(r, Party.Owner, cancellationToken);
                var self = r.AgencyCode;
                query = query.Where(n => n.CreatedAt > from || n.AuthorAgency == self);
                break;
            case Party.Provider:
                if (await ServedReleaseAsync(r, cancellationToken) is null) return null;
                break;
            default:
                return null;
        }
        if (after is { } a) query = query.Where(n => n.CreatedAt > a.At || (n.CreatedAt == a.At && n.Id.CompareTo(a.Id) > 0));
        query = query.OrderBy(n => n.CreatedAt).ThenBy(n => n.Id);
        if (take is { } t) query = query.Take(t + 1);
        var notes = await query.ToListAsync(cancellationToken);
        var views = new List<NoteView>(notes.Count);
        foreach (var n in notes)
            views.Add(new NoteView(n.Id, n.AuthorAgency, n.AuthorSide, await TextAsync(r, n.TextProtected, cancellationToken), n.CreatedAt));
        return views;
    }

    /// <summary>
    /// Whether <paramref name="party"/> may write a note now, and its side. After a consent withdrawal nobody writes
    /// (no release either way); the provider only while a release is served to it; the sending agency not after the move.
    /// </summary>
    public async Task<(string? Side, string? Refusal)> NoteSideAsync(Referral r, Party party, CancellationToken cancellationToken)
    {
        if (party is Party.None) return (null, null);
        if (r.ConsentWithdrawnAt is not null) return (null, "The child's consent was withdrawn: no note can be exchanged on this referral.");
        return party switch
        {
            Party.Referrer or Party.Owner => ("referrer", null),
            Party.Origin => (null, "The case was transferred to another agency; it follows the referral up now."),
            Party.Provider when await ServedReleaseAsync(r, cancellationToken) is not null => ("provider", null),
            _ => (null, null),
        };
    }

    /// <summary>The case export of one agency: every referral it holds or sent for the case, each as that agency may read it.</summary>
    public async Task<IReadOnlyList<ExportedReferral>> ExportAsync(string agency, string caseCode, CancellationToken cancellationToken)
    {
        var referrals = await db.Referrals.AsNoTracking()
            .Where(r => (r.AgencyCode == agency && r.CaseCode == caseCode) || (r.OriginAgencyCode == agency && r.OriginCaseCode == caseCode))
            .OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        var exported = new List<ExportedReferral>(referrals.Count);
        foreach (var r in referrals)
        {
            var party = r.AgencyCode == agency ? (r.AgencyCode == r.OriginAgencyCode ? Party.Referrer : Party.Owner) : Party.Origin;
            exported.Add(new ExportedReferral((await ViewAsync(r, party, cancellationToken))!, await NotesAsync(r, party, cancellationToken) ?? []));
        }
        return exported;
    }

    private async Task<ReferralView> ReferrerViewAsync(Referral r, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(r, agency: null, cancellationToken);
        var releases = await ReleasesAsync(r, cancellationToken);
        return new ReferralView(r.Id, r.Status, r.StatusReason, r.ServiceType, r.Priority, r.AreaCode, r.CaseCode, r.ServiceId, r.OrganisationCode,
            r.OfferedAt, r.DeadlineAt, r.Overdue, r.CreatedAt, r.UpdatedAt, r.Version,
            await DecryptAsync<ReferralSummary>(r, r.SummaryProtected, cancellationToken),
            await DecryptAsync<ReferralPayload>(r, r.PayloadProtected, cancellationToken),
            releases.LastOrDefault()?.Items,
            await OutcomeAsync(r, report: true, cancellationToken),
            r.DeclineReason is null ? null : new DeclineInfo(r.DeclineReason, await TextAsync(r, r.DeclineDetailsProtected, cancellationToken)),
            history, releases, r.ConsentWithdrawnAt is not null);
    }

    /// <summary>
    /// The sending agency after the case moved: what it sent (its own record, kept for the child's subject-access
    /// export), and the referral as it stood when it left — nothing the provider or the receiving agency did since.
    /// </summary>
    private async Task<ReferralView> OriginViewAsync(Referral r, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(r, r.OriginAgencyCode, cancellationToken);
        var last = history.Count > 0 ? history[^1] : null;
        var movedAt = await MovedAtAsync(r, Party.Origin, cancellationToken);
        var releases = (await ReleasesAsync(r, cancellationToken)).Where(x => x.ReleasedAt <= movedAt).ToList();
        return new ReferralView(r.Id, last?.Status ?? r.Status, last?.Reason, r.ServiceType, r.Priority, r.AreaCode, r.OriginCaseCode, null,
            last?.OrganisationCode, null, null, last?.Overdue ?? false, r.CreatedAt, last?.ChangedAt ?? r.UpdatedAt, last?.Version ?? r.Version,
            await DecryptAsync<ReferralSummary>(r, r.SummaryProtected, cancellationToken),
            await DecryptAsync<ReferralPayload>(r, r.PayloadProtected, cancellationToken),
            releases.LastOrDefault()?.Items, Service: null, Decline: null, history, releases, r.ConsentWithdrawnAt is not null);
    }

    /// <summary>
    /// The receiving agency: the referral form was never released to it (the transfer package is what consent let it
    /// receive), so it reads routing facts, the release records (which items went to whom, no values) and what the
    /// provider reported to it since the move.
    /// </summary>
    private async Task<ReferralView> OwnerViewAsync(Referral r, CancellationToken cancellationToken)
    {
        var history = await HistoryAsync(r, r.AgencyCode, cancellationToken);
        var releases = await ReleasesAsync(r, cancellationToken);
        var reportedToOwner = r.ConsentWithdrawnAt is null && history.Any(h => h.Status == ReferralStatuses.Completed);
        return new ReferralView(r.Id, r.Status, r.StatusReason, r.ServiceType, r.Priority, r.AreaCode, r.CaseCode, r.ServiceId, r.OrganisationCode,
            r.OfferedAt, r.DeadlineAt, r.Overdue, r.CreatedAt, r.UpdatedAt, r.Version,
            Summary: null, Payload: null, releases.LastOrDefault()?.Items,
            await OutcomeAsync(r, reportedToOwner, cancellationToken),
            r.DeclineReason is null ? null : new DeclineInfo(r.DeclineReason, Details: null),
            history, releases, r.ConsentWithdrawnAt is not null);
    }

    private async Task<ReferralView> ProviderViewAsync(Referral r, CancellationToken cancellationToken)
    {
        var status = ProviderStatus.Of(r.Status);
        ReferralPayload? payload = null;
        IReadOnlyList<string>? items = null;
        IReadOnlyList<string>? keptBack = null;
        var release = await ServedReleaseAsync(r, cancellationToken);
        if (release is not null)
        {
            items = JsonSerializer.Deserialize<List<string>>(release.ItemsJson, Json) ?? [];
            // Item names only: what this service's need-to-know profile names that the consent withheld from it.
            var withheldItems = JsonSerializer.Deserialize<List<string>>(release.WithheldJson, Json) ?? [];
            keptBack = [.. profiles.ItemsFor(r.ServiceType).Where(withheldItems.Contains).Order(StringComparer.Ordinal)];
            // The shared rule (Hosting/Protection/ReleaseRule): released minus withheld, nothing after a withdrawal.
            var readable = ReleaseRule.Readable(items, JsonSerializer.Deserialize<List<string>>(release.WithheldJson, Json) ?? [], r.ConsentWithdrawnAt is not null);
            payload = (await DecryptAsync<ReferralPayload>(r, r.PayloadProtected, cancellationToken))?.Project(readable);
        }
        var withdrawn = r.ConsentWithdrawnAt is not null;
        return new ReferralView(r.Id, status, ProviderReason(r), r.ServiceType, r.Priority, r.AreaCode, CaseCode: null, r.ServiceId, r.OrganisationCode,
            r.OfferedAt, r.DeadlineAt, r.Overdue, r.CreatedAt, r.UpdatedAt, r.Version,
            await SummaryAsync(r, cancellationToken),
            payload, items,
            await OutcomeAsync(r, report: release is not null, cancellationToken),
            r.DeclineReason is null ? null : new DeclineInfo(r.DeclineReason, await TextAsync(r, r.DeclineDetailsProtected, cancellationToken)),
            History: null, Releases: null, withdrawn, withdrawn ? WithdrawnNotice : null, keptBack);
    }

    /// <summary>
    /// The provider's summary, only while the referral is offered to it: the age band, and of sex, languages and
    /// communication needs only what the service type's profile names and the consent does not withhold from it.
    /// </summary>
    private async Task<ReferralSummary?> SummaryAsync(Referral r, CancellationToken cancellationToken)
    {
        if (r.Status != ReferralStatuses.Offered || r.ConsentWithdrawnAt is not null) return null;
        var full = await DecryptAsync<ReferralSummary>(r, r.SummaryProtected, cancellationToken);
        if (full is null) return null;
        // Withholds unknown (offered before the hub recorded them): the age band only.
        var withheld = r.OfferWithheldJson is null ? ReferralItems.All : JsonSerializer.Deserialize<List<string>>(r.OfferWithheldJson, Json) ?? [];
        var items = profiles.Releasable(r.ServiceType, withheld);
        bool Has(string item) => items.Contains(item);
        return new ReferralSummary(
            withheld.Contains(ReferralItems.ChildDateOfBirth) ? null : full.AgeBand,
            Has(ReferralItems.ChildSex) ? full.Sex : null,
            Has(ReferralItems.ChildLanguages) ? full.Languages : [],
            Has(ReferralItems.ChildCommunicationNeeds) ? full.CommunicationNeeds : null);
    }

    /// <summary>The release served to the addressed provider now: accepted or later, released to it, consent not withdrawn.</summary>
    private async Task<ReferralRelease?> ServedReleaseAsync(Referral r, CancellationToken cancellationToken)
    {
        if (!Served(r)) return null;
        return await db.Releases.AsNoTracking().Where(x => x.ReferralId == r.Id && x.OrganisationCode == r.OrganisationCode)
            .OrderByDescending(x => x.ReleasedAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary><see cref="ServedReleaseAsync"/> for many referrals in one query: the latest release to each one's addressed provider, by referral id.</summary>
    private async Task<Dictionary<Guid, ReferralRelease>> ServedReleasesAsync(IReadOnlyList<Referral> rows, CancellationToken cancellationToken)
    {
        var served = rows.Where(Served).ToDictionary(r => r.Id);
        if (served.Count == 0) return [];
        var ids = served.Keys.ToList();
        var releases = await db.Releases.AsNoTracking().Where(x => ids.Contains(x.ReferralId)).ToListAsync(cancellationToken);
        // Only releases to the provider the referral is addressed to now (an earlier provider's release is not this one's).
        return releases.Where(x => x.OrganisationCode == served[x.ReferralId].OrganisationCode)
            .GroupBy(x => x.ReferralId)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(x => x.ReleasedAt).First());
    }

    private static bool Served(Referral r) =>
        (r.Status is ReferralStatuses.Accepted or ReferralStatuses.InService or ReferralStatuses.Completed) && r.ConsentWithdrawnAt is null;

    /// <summary>
    /// When a case transfer moved the referral: for the sending agency the first move away from it, for the receiving
    /// agency the last move to it (the two history entries of a move carry each agency's code).
    /// </summary>
    private async Task<DateTime> MovedAtAsync(Referral r, Party party, CancellationToken cancellationToken)
    {
        var moves = db.Changes.AsNoTracking().Where(c => c.ReferralId == r.Id && c.Kind == ReferralChange.ReferralKind
            && c.Reason == CaseResponsibilityTransferredConsumer.Reason);
        var at = party == Party.Origin
            ? await moves.Where(c => c.AgencyCode == r.OriginAgencyCode).OrderBy(c => c.Sequence).Select(c => (DateTime?)c.ChangedAt).FirstOrDefaultAsync(cancellationToken)
            : await moves.Where(c => c.AgencyCode == r.AgencyCode).OrderByDescending(c => c.Sequence).Select(c => (DateTime?)c.ChangedAt).FirstOrDefaultAsync(cancellationToken);
        return at ?? r.UpdatedAt;
    }

    private async Task<List<HistoryEntry>> HistoryAsync(Referral r, string? agency, CancellationToken cancellationToken)
    {
        var query = db.Changes.AsNoTracking().Where(c => c.ReferralId == r.Id && c.Kind == ReferralChange.ReferralKind);
        if (agency is not null) query = query.Where(c => c.AgencyCode == agency);
        return await query.OrderBy(c => c.Sequence)
            .Select(c => new HistoryEntry(c.Sequence, c.Status, c.Reason, c.OrganisationCode, c.Overdue, c.Version, c.ChangedAt)).ToListAsync(cancellationToken);
    }

    private async Task<List<ReleaseEntry>> ReleasesAsync(Referral r, CancellationToken cancellationToken) =>
        (await db.Releases.AsNoTracking().Where(x => x.ReferralId == r.Id).ToListAsync(cancellationToken))
            .OrderBy(x => x.ReleasedAt).Select(ToEntry).ToList();

    /// <summary>Dates and satisfaction always; the Services Provided report's text only where <paramref name="report"/>.</summary>
    private async Task<ServiceOutcome?> OutcomeAsync(Referral r, bool report, CancellationToken cancellationToken) =>
        r.ServiceStartedOn is null && r.ServiceCompletedOn is null ? null : new ServiceOutcome(
            r.ServiceStartedOn is { } s ? DateOnly.FromDateTime(s) : null,
            r.ServiceCompletedOn is { } c ? DateOnly.FromDateTime(c) : null,
            r.ChildSatisfaction, r.CaregiverSatisfaction,
            report ? await DecryptAsync<ServiceReport>(r, r.ServiceReportProtected, cancellationToken) : null);

    /// <summary>The provider is told only its own decline reason; why a referral was withdrawn is not its business.</summary>
    private static string? ProviderReason(Referral r) => r.Status is ReferralStatuses.Declined or ReferralStatuses.Unplaced ? r.DeclineReason : null;

    public static ReleaseEntry ToEntry(ReferralRelease x) => new(x.Id, x.OrganisationCode, x.ServiceId, x.FocalPointId, x.FocalPointName,
        JsonSerializer.Deserialize<List<string>>(x.ItemsJson, Json) ?? [], JsonSerializer.Deserialize<List<string>>(x.WithheldJson, Json) ?? [],
        x.ProfileVersion, x.ConsentId, x.ConsentVersion, x.OverrideId, x.ReleasedAt);

    // The only decryption of referral personal data in the service (the vault only encrypts). Null when the case's or
    // agency's keys were destroyed: the data is gone for good.
    private async Task<T?> DecryptAsync<T>(Referral r, string? ciphertext, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(ciphertext)) return default;
        var json = await protector.UnprotectAsync(ReferralVault.Scope(r), ciphertext, cancellationToken);
        return json is null ? default : JsonSerializer.Deserialize<T>(json, ReferralVault.JsonOptions);
    }

    private async Task<string?> TextAsync(Referral r, string? ciphertext, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(ciphertext) ? null : await protector.UnprotectAsync(ReferralVault.Scope(r), ciphertext, cancellationToken);
}

/// <summary>What the inbox's initials read of a decrypted payload (<see cref="ReferralPayload"/>'s JSON): the child's names, nothing else.</summary>
internal sealed record PayloadChildNames(PayloadChildNames.Names? Child)
{
    internal sealed record Names(string? FirstName, string? LastName);
}
