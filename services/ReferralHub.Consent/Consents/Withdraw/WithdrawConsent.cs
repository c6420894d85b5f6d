using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Consents.Withdraw;

/// <summary>
/// POST /api/v1/consents/{caseCode}/withdraw: a withdrawn version supersedes the one in force, so every later decision
/// denies at once; <see cref="ConsentWithdrawn"/> goes out through the outbox in the same transaction, exactly once
/// (a second withdrawal is a conflict and publishes nothing).
/// </summary>
internal static class WithdrawConsent
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapPost("/{caseCode}/withdraw", HandleAsync).WithName("WithdrawConsent").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Referrer));

    private static async Task<Results<Ok<ConsentView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        string caseCode, ClaimsPrincipal user, ConsentRegistryDbContext db, TimeProvider clock, IConsentTextProtector protector,
        ILogger<ConsentBody> logger, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject) return Problems.Forbidden("This needs a token that names an agency and a caller (agency, sub).");
        if (!ConsentCodes.IsCaseCode(caseCode)) return Problems.NotFound("No consent is recorded for this case in your agency.");
        var current = await db.CurrentAsync(agency, caseCode, cancellationToken);
        if (current is null) return Problems.NotFound("No consent is recorded for this case in your agency.");
        if (current.Status == ConsentStatus.Withdrawn) return Problems.Conflict(title: "The consent changed or is in another state.", detail: $"The consent was already withdrawn (version {current.Version}).");

        var now = clock.GetUtcNow().UtcDateTime;
        var withdrawn = new ConsentVersion
        {
            Id = Guid.CreateVersion7(),
            ConsentId = current.ConsentId,
            Version = current.Version + 1,
            AgencyCode = agency,
            CaseCode = caseCode,
            Status = ConsentStatus.Withdrawn,
            GivenBy = current.GivenBy,
            AuthorisationGround = current.AuthorisationGround,
            GivenOn = current.GivenOn,
            RecordedBy = subject,
            RecordedAt = now,
            ParticipateInCaseManagement = current.ParticipateInCaseManagement,
            CollectAndStore = current.CollectAndStore,
            Sharing = [.. current.Sharing],
            Organisations = [.. current.Organisations],
            OneOff = current.OneOff,
            ValidUntil = current.ValidUntil,
            // The withholds stay: a supervisor override after withdrawal still removes what the child asked to withhold.
            Withholds = [.. current.Withholds.Select(w => new Withhold { Item = w.Item, Organisation = w.Organisation, Reason = w.Reason, ProtectedReasonText = w.ProtectedReasonText })],
        };
        db.Consents.Add(withdrawn);
        db.PublishViaOutbox(new ConsentWithdrawn(agency, caseCode, current.ConsentId, withdrawn.Version, now), $"consent:{agency}:{caseCode}", clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent withdrawal or amendment took this version number; nothing (and no event) was written here.
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: "The consent was changed at the same time; read it and try again.");
        }

        logger.LogInformation("Consent {ConsentId} withdrawn (v{Version}) by {Subject}", withdrawn.ConsentId, withdrawn.Version, subject);
        return TypedResults.Ok(await ConsentBodies.ToViewAsync(withdrawn, protector, cancellationToken));
    }
}
