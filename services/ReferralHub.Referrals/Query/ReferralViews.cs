using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Referrals.Answer;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Submit;

namespace ReferralHub.Referrals.Query;

/// <summary>
/// A referral as one caller may see it. The referring agency sees everything it sent plus history and releases;
/// the provider sees the minimal summary until it accepts, then only the released need-to-know items.
/// </summary>
public sealed record ReferralView(
    Guid Id,
    string Status,
    string? Reason,
    string ServiceType,
    string Priority,
    string? AreaCode,
    string? CaseCode,
    Guid? ServiceId,
    string? OrganisationCode,
    DateTime? OfferedAt,
    DateTime? DeadlineAt,
    bool Overdue,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    ReferralSummary? Summary,
    ReferralPayload? Payload,
    IReadOnlyList<string>? ReleasedItems,
    ServiceOutcome? Service,
    DeclineInfo? Decline,
    IReadOnlyList<HistoryEntry>? History,
    IReadOnlyList<ReleaseEntry>? Releases);

public sealed record ServiceOutcome(DateOnly? StartedOn, DateOnly? CompletedOn, string? ChildSatisfaction, string? CaregiverSatisfaction, ServiceReport? Report);

public sealed record DeclineInfo(string? Reason, string? Details);

public sealed record HistoryEntry(long Sequence, string Status, string? Reason, string? OrganisationCode, bool Overdue, int Version, DateTime ChangedAt);

public sealed record ReleaseEntry(Guid Id, string OrganisationCode, Guid ServiceId, Guid? FocalPointId, string? FocalPointName,
    IReadOnlyList<string> Items, IReadOnlyList<string> Withheld, string ProfileVersion, Guid? ConsentId, int? ConsentVersion, Guid? OverrideId, DateTime ReleasedAt);

public static class ReferralViews
{
    private static readonly JsonSerializerOptions Json = SubmitReferralEndpoint.Json;

    public static async Task<ReferralView> ReferrerViewAsync(ReferralsDbContext db, ReferralVault vault, Referral r, CancellationToken cancellationToken)
    {
        var scope = ReferralVault.Scope(r);
        var history = await db.Changes.AsNoTracking().Where(c => c.ReferralId == r.Id).OrderBy(c => c.Sequence)
            .Select(c => new HistoryEntry(c.Sequence, c.Status, c.Reason, c.OrganisationCode, c.Overdue, c.Version, c.ChangedAt)).ToListAsync(cancellationToken);
        var releases = (await db.Releases.AsNoTracking().Where(x => x.ReferralId == r.Id).ToListAsync(cancellationToken))
            .OrderBy(x => x.ReleasedAt).Select(ToEntry).ToList();
        return new ReferralView(r.Id, r.Status, r.StatusReason, r.ServiceType, r.Priority, r.AreaCode, r.CaseCode, r.ServiceId, r.OrganisationCode,
            r.OfferedAt, r.DeadlineAt, r.Overdue, r.CreatedAt, r.UpdatedAt, r.Version,
            await vault.UnprotectAsync<ReferralSummary>(scope, r.SummaryProtected, cancellationToken),
            await vault.UnprotectAsync<ReferralPayload>(scope, r.PayloadProtected, cancellationToken),
            releases.LastOrDefault()?.Items,
            await OutcomeAsync(vault, r, cancellationToken),
            r.DeclineReason is null ? null : new DeclineInfo(r.DeclineReason, await vault.UnprotectTextAsync(scope, r.DeclineDetailsProtected, cancellationToken)),
            history, releases);
    }

    public static async Task<ReferralView> ProviderViewAsync(ReferralsDbContext db, ReferralVault vault, Referral r, CancellationToken cancellationToken)
    {
        var scope = ReferralVault.Scope(r);
        var status = AnswerEndpoints.ProviderStatus(r.Status);
        ReferralPayload? payload = null;
        IReadOnlyList<string>? items = null;
        // Released data is shown only while the referral is this provider's and was accepted (a release record exists).
        if (r.Status is ReferralStatuses.Accepted or ReferralStatuses.InService or ReferralStatuses.Completed)
        {
            var release = await db.Releases.AsNoTracking().Where(x => x.ReferralId == r.Id && x.OrganisationCode == r.OrganisationCode)
                .OrderByDescending(x => x.ReleasedAt).FirstOrDefaultAsync(cancellationToken);
            if (release is not null)
            {
                items = JsonSerializer.Deserialize<List<string>>(release.ItemsJson, Json) ?? [];
                payload = (await vault.UnprotectAsync<ReferralPayload>(scope, r.PayloadProtected, cancellationToken))?.Project(items.ToHashSet(StringComparer.Ordinal));
            }
        }
        var before = payload is null;
        return new ReferralView(r.Id, status, ProviderReason(r), r.ServiceType, r.Priority, r.AreaCode, CaseCode: null, r.ServiceId, r.OrganisationCode,
            r.OfferedAt, r.DeadlineAt, r.Overdue, r.CreatedAt, r.UpdatedAt, r.Version,
            before ? await vault.UnprotectAsync<ReferralSummary>(scope, r.SummaryProtected, cancellationToken) : null,
            payload, items,
            before ? null : await OutcomeAsync(vault, r, cancellationToken),
            r.DeclineReason is null ? null : new DeclineInfo(r.DeclineReason, await vault.UnprotectTextAsync(scope, r.DeclineDetailsProtected, cancellationToken)),
            History: null, Releases: null);
    }

    /// <summary>The provider is told only its own decline reason; why a referral was withdrawn is not its business.</summary>
    private static string? ProviderReason(Referral r) => r.Status is ReferralStatuses.Declined or ReferralStatuses.Unplaced ? r.DeclineReason : null;

    private static async Task<ServiceOutcome?> OutcomeAsync(ReferralVault vault, Referral r, CancellationToken cancellationToken) =>
        r.ServiceStartedOn is null && r.ServiceCompletedOn is null ? null : new ServiceOutcome(
            r.ServiceStartedOn is { } s ? DateOnly.FromDateTime(s) : null,
            r.ServiceCompletedOn is { } c ? DateOnly.FromDateTime(c) : null,
            r.ChildSatisfaction, r.CaregiverSatisfaction,
            await vault.UnprotectAsync<ServiceReport>(ReferralVault.Scope(r), r.ServiceReportProtected, cancellationToken));

    public static ReleaseEntry ToEntry(ReferralRelease x) => new(x.Id, x.OrganisationCode, x.ServiceId, x.FocalPointId, x.FocalPointName,
        JsonSerializer.Deserialize<List<string>>(x.ItemsJson, Json) ?? [], JsonSerializer.Deserialize<List<string>>(x.WithheldJson, Json) ?? [],
        x.ProfileVersion, x.ConsentId, x.ConsentVersion, x.OverrideId, x.ReleasedAt);
}
