using MassTransit;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Gateway;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// The gateway says an agency admin disabled a person, enabled them or changed their roles: the portal's profile of
/// the person follows at once instead of at their next sign-in. Disabled: no notice is queued for them any more, the
/// notices waiting to be sent are dropped, and every session of theirs is deleted (their cookie opens nothing). Other
/// roles or areas: what <see cref="NoticeRecipients"/> reads next, and their sessions end too (the cookie holds the old
/// roles; the gateway ended its own session with the security stamp). An event older than the profile (a lower
/// version, from the identity token of a sign-in or an earlier event) changes nothing. A person who never signed in
/// has no profile: nothing to do (a sign-in writes it from the account as it is then).
/// </summary>
public sealed class PersonAccountChangedConsumer(PortalDbContext db, ILogger<PersonAccountChangedConsumer> logger, TimeProvider clock)
    : IdempotentConsumer<PersonAccountChanged, PortalDbContext>(db, logger, clock)
{
    /// <summary>Why a waiting notice was not sent (shown to the agency admin with the other delivery failures).</summary>
    public const string RecipientDisabled = "recipient-disabled";

    protected override async Task HandleAsync(ConsumeContext<PersonAccountChanged> context)
    {
        var change = context.Message;
        var ct = context.CancellationToken;
        var person = await Db.Set<PortalPerson>().SingleOrDefaultAsync(p => p.Id == change.PersonId, ct);
        if (person is null) return;
        if (person.AccountVersion >= change.Version)
        {
            Logger.LogInformation("Account change {Version} of person {UserId} is older than the portal's profile ({Known}); ignored",
                change.Version, change.PersonId, person.AccountVersion);
            return;
        }

        var roles = string.Join(',', change.Roles.Distinct().Order(StringComparer.Ordinal));
        var areas = string.Join(',', change.Areas.Distinct().Order(StringComparer.Ordinal));
        var endsSessions = !change.Active || roles != person.Roles || areas != person.Areas || change.AgencyCode != person.Agency;
        person.AccountVersion = change.Version;
        person.Active = change.Active;
        person.Agency = change.AgencyCode;
        person.Roles = roles;
        person.Areas = areas;

        var sessions = endsSessions ? await Db.Set<PortalSession>().Where(s => s.PersonId == change.PersonId).ExecuteDeleteAsync(ct) : 0;
        var dropped = 0;
        if (!change.Active)
        {
            dropped = await Db.Set<NotificationDelivery>()
                .Where(d => d.UserId == change.PersonId && (d.State == DeliveryStates.Pending || d.State == DeliveryStates.Held))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.State, DeliveryStates.Failed).SetProperty(d => d.LastError, RecipientDisabled), ct);
        }
        Logger.LogInformation("Person {UserId}: account change {Version} applied (active {Active}); {Sessions} session(s) ended, {Dropped} notice(s) dropped",
            change.PersonId, change.Version, change.Active, sessions, dropped);
    }
}
