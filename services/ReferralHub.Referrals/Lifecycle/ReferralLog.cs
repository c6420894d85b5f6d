using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;

namespace ReferralHub.Referrals.Lifecycle;

/// <summary>
/// Every change of a referral goes through here: the state, a history row (the change feed and webhooks read it) and
/// one <see cref="ReferralStatusChanged"/> in the outbox commit together with the caller's SaveChanges.
/// </summary>
public static class ReferralLog
{
    public static string AggregateId(Guid referralId) => $"referral-{referralId}";

    public static void MoveTo(this ReferralsDbContext db, Referral referral, string status, string? reason, DateTime now, TimeProvider clock)
    {
        referral.Status = status;
        referral.StatusReason = reason;
        Record(db, referral, reason, now, clock);
    }

    /// <summary>A change without a new status (e.g. marked overdue): still versioned, kept and announced.</summary>
    public static void Record(this ReferralsDbContext db, Referral referral, string? reason, DateTime now, TimeProvider clock)
    {
        referral.UpdatedAt = now;
        referral.Version++;
        db.Changes.Add(new ReferralChange
        {
            ReferralId = referral.Id,
            TransferId = referral.TransferId,
            AgencyCode = referral.AgencyCode,
            Status = referral.Status,
            Reason = reason,
            OrganisationCode = referral.OrganisationCode,
            ServiceId = referral.ServiceId,
            Overdue = referral.Overdue,
            Version = referral.Version,
            ChangedAt = now,
        });
        db.PublishViaOutbox(new ReferralStatusChanged(referral.Id, referral.AgencyCode, referral.Status, reason,
            referral.OrganisationCode, referral.ServiceId, referral.Overdue, referral.Version, now), AggregateId(referral.Id), clock);
    }

    public static TimeSpan ResponseTime(string priority) => priority switch
    {
        // Seed 000, Referral form: high — respond within 24 hours; medium — within 3 days; low — within 1 week.
        Priorities.High => TimeSpan.FromHours(24),
        Priorities.Medium => TimeSpan.FromDays(3),
        _ => TimeSpan.FromDays(7),
    };
}

// Priorities, DeclineReasons and WithdrawReasons are the hub's code lists in ReferralHub.Contracts.Taxonomy.

/// <summary>Reason codes routing itself sets.</summary>
public static class RoutingReasons
{
    public const string NoServiceAvailable = "no-service-available";
    public const string NoFurtherService = "no-further-service";
    public const string ConsentWithdrawn = "consent-withdrawn";
    public const string Overdue = "overdue";
    public const string Reoffered = "re-offered";
}
