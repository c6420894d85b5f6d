using System.Globalization;
using System.Security.Claims;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Fhir.Web;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// What a Task or ServiceRequest search asks of the caller's referrals. <see cref="Map"/> turns a referral into the
/// resource when it matches the search's own filters (null: it does not); <see cref="NoneMatch"/> short-cuts a search
/// that cannot match anything this caller may see (e.g. another agency as requester).
/// </summary>
internal sealed record ReferralQuery(
    string Type,
    IReadOnlyCollection<string> HubStatuses,
    Func<ReferralView, Resource?> Map,
    string? IdempotencyKey = null,
    bool NoneMatch = false);

/// <summary>
/// Task and ServiceRequest searches both read the caller's referrals: a provider-only caller its inbox
/// (<c>/api/v1/inbox</c>), any other caller its agency's referrals (<c>/api/v1/referrals</c>). The REST list narrows
/// what it can (one status, updatedSince, the idempotency key); the exact FHIR filters are applied to each page, so a
/// page may hold fewer than <c>_count</c> entries. Paging follows the REST cursor (<c>_cursor</c> in next links).
/// </summary>
internal static class ReferralSearch
{
    public const int DefaultCount = 20;
    public const int MaxCount = 50;

    /// <summary>A count-only search walks at most this many pages of <see cref="MaxCount"/>.</summary>
    public const int MaxCountPages = 200;

    /// <summary>Parameters every referral search takes besides its own.</summary>
    public static readonly string[] Shared = ["_lastUpdated", "_cursor"];

    public static bool IsProviderOnly(ClaimsPrincipal user)
    {
        var roles = user.HubRoles();
        return roles.Contains(Roles.Provider) && !roles.Contains(Roles.Referrer) && !roles.Contains(Roles.Supervisor);
    }

    public static async Task<IResult> RunAsync(HttpRequest http, HubApi api, ClaimsPrincipal user, FhirSearch search, ReferralQuery what, CancellationToken cancellationToken)
    {
        var query = http.Query;
        var updated = query["_lastUpdated"].Select(v => DateParam.Parse("_lastUpdated", v)).ToList();
        var cursor = query["_cursor"].FirstOrDefault();
        var baseUrl = FhirModule.BaseUrl(http);
        if (what.NoneMatch)
        {
            var none = search.Empty(http, what.Type, 0);
            search.AddOutcome(none);
            return new FhirResult(none);
        }

        var asProvider = IsProviderOnly(user);
        var path = asProvider ? "api/v1/inbox" : "api/v1/referrals";
        var parameters = new List<string> { $"limit={(search.CountOnly ? MaxCount : search.Count)}" };
        var hubStatuses = what.HubStatuses.Distinct().ToList();
        if (hubStatuses.Count == 1 && (!asProvider || hubStatuses[0] is not (ReferralStatuses.Submitted or ReferralStatuses.BlockedConsent or ReferralStatuses.Unplaced)))
            parameters.Add("status=" + hubStatuses[0]);
        else if (asProvider)
            parameters.Add("status=all"); // the inbox lists only what needs an answer unless asked for everything
        // The REST list narrows by its updatedSince (a lower bound, widened by a second); the exact FHIR range is applied below.
        if (!asProvider && updated.Select(u => u.LowerBound).Where(b => b is not null).DefaultIfEmpty().Max() is { } since)
            parameters.Add("updatedSince=" + Uri.EscapeDataString(since.AddSeconds(-1).UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
        if (what.IdempotencyKey is { } key) parameters.Add("idempotencyKey=" + Uri.EscapeDataString(key));

        async Task<(List<Resource> Found, string? Next)> PageAsync(string? at)
        {
            var url = $"{path}?{string.Join('&', parameters.Append(at is null ? "" : "cursor=" + Uri.EscapeDataString(at)).Where(p => p.Length > 0))}";
            var (ids, next) = asProvider
                ? Ids(await api.GetAsync<PageOfInboxItem>(url, cancellationToken), i => i.Id)
                : Ids(await api.GetAsync<PageOfReferralListItem>(url, cancellationToken), i => i.Id);
            var found = new List<Resource>();
            foreach (var id in ids)
            {
                var referral = await api.TryGetAsync<ReferralView>($"api/v1/referrals/{id}", cancellationToken);
                if (referral is null) continue;
                var lastUpdated = new DateTimeOffset(DateTime.SpecifyKind(referral.UpdatedAt, DateTimeKind.Utc));
                if (!updated.All(u => u.Matches(lastUpdated))) continue;
                if (what.Map(referral) is { } resource) found.Add(resource);
            }
            return (found, next);
        }

        static (List<Guid> Ids, string? Next) Ids<T>(ReferralHub.Wire.IPage<T> page, Func<T, Guid> id) => ([.. page.Items.Select(id)], page.NextCursor);

        if (search.CountOnly)
        {
            // _count=0 / _summary=count: the total only, counted over every page of the caller's referrals.
            var total = 0;
            var at = cursor;
            var pages = 0;
            do
            {
                if (++pages > MaxCountPages)
                    throw FhirException.Of(422, OperationOutcome.IssueType.TooCostly, $"More than {MaxCountPages * MaxCount} {what.Type}s to count; narrow the search (status, _lastUpdated).");
                var (found, following) = await PageAsync(at);
                total += found.Count;
                at = following;
            }
            while (at is not null);
            var counted = search.Empty(http, what.Type, total);
            search.AddOutcome(counted);
            return new FhirResult(counted);
        }

        var (matches, nextCursor) = await PageAsync(cursor);
        // The total of a cursor-paged list is not known without walking it: given on a single-page answer only (FHIR: total is optional).
        var bundle = search.Empty(http, what.Type, nextCursor is null && cursor is null ? matches.Count : null);
        foreach (var resource in matches)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{what.Type}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        search.AddOutcome(bundle);
        if (nextCursor is { } next)
        {
            var nextQuery = query.Where(q => q.Key != "_cursor").SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"))
                .Append("_cursor=" + Uri.EscapeDataString(next));
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{baseUrl}/{what.Type}?{string.Join('&', nextQuery)}" });
        }
        return new FhirResult(bundle);
    }
}
