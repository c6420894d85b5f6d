using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Consents;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Contracts.Consent;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Overrides.Authorise;

public sealed record OverrideBody(string? CaseCode, string? ReleaseReference, string? Ground, string? Justification);

public sealed record OverrideView(Guid OverrideId, string CaseCode, string ReleaseReference, string Ground, string Supervisor, DateTime AuthorisedAt);

/// <summary>
/// POST /api/v1/consents/overrides: a supervisor of the case's own agency authorises one release without consent, on a
/// ground the seed allows. The server decides who is a supervisor (the token's role and agency); the caseworker who asked
/// for the release cannot authorise it.
/// </summary>
internal static class AuthoriseOverride
{
    private const int MaxJustification = 4000;

    public static void Map(RouteGroupBuilder consents) =>
        consents.MapPost("/overrides", HandleAsync).WithName("AuthoriseConsentOverride").ProducesProblem(StatusCodes.Status409Conflict).RequireAuthorization(p => p.RequireRole(Roles.Supervisor));

    private static async Task<Results<Created<OverrideView>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        OverrideBody body, ClaimsPrincipal user, ConsentRegistryDbContext db, TimeProvider clock, IConsentTextProtector protector,
        ILogger<OverrideBody> logger, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } supervisor) return Problems.Forbidden("This needs a token that names an agency and a caller (agency, sub).");

        var errors = new FieldErrors();
        if (!ConsentCodes.IsCaseCode(body.CaseCode)) errors.Add("caseCode", "A case code is required.");
        if (!ConsentCodes.IsReleaseReference(body.ReleaseReference))
            errors.Add("releaseReference", "Must name the one release it covers: 'referral:{id}' or 'transfer:{id}'.");
        if (!OverrideGrounds.IsAllowed(body.Ground))
            errors.Add("ground", $"Not a ground on which the seed allows sharing without consent; use one of: {string.Join(", ", OverrideGrounds.All)}.");
        if (string.IsNullOrWhiteSpace(body.Justification)) errors.Add("justification", "The supervisor's justification is required.");
        else if (body.Justification.Length > MaxJustification) errors.Add("justification", $"At most {MaxJustification} characters.");
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caseCode = body.CaseCode!;
        var reference = body.ReleaseReference!;
        var askedBySupervisor = await db.Decisions.AnyAsync(
            d => d.AgencyCode == agency && d.CaseCode == caseCode && d.ReleaseReference == reference && d.RequestedBy == supervisor,
            cancellationToken);
        if (askedBySupervisor)
        {
            return Problems.Forbidden("The caseworker who asked for a release cannot authorise its override: another supervisor of your agency must authorise it.");
        }

        if (await db.Overrides.AnyAsync(o => o.AgencyCode == agency && o.CaseCode == caseCode && o.ReleaseReference == reference, cancellationToken))
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: "An override for this release already exists; an override covers exactly one release.");

        var entry = new ConsentOverride
        {
            Id = Guid.CreateVersion7(),
            AgencyCode = agency,
            CaseCode = caseCode,
            ReleaseReference = reference,
            Ground = body.Ground!,
            ProtectedJustification = await protector.ProtectAsync(agency, caseCode, body.Justification!, cancellationToken),
            Supervisor = supervisor,
            AuthorisedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Overrides.Add(entry);
        // The referral or transfer waiting for it resumes (its owner consumes this); published with the row, or not at all.
        // Ids only: the ground stays in the registry (nothing sensitive on the bus or in the outbox).
        db.PublishViaOutbox(new SupervisorOverrideRecorded(entry.Id, agency, caseCode, reference, entry.AuthorisedAt),
            $"consent:{agency}:{caseCode}", clock);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Problems.Conflict(title: "The consent changed or is in another state.", detail: "An override for this release was authorised at the same time.");
        }

        logger.LogInformation("Override {OverrideId} authorised by {Supervisor} for agency {Agency} on ground {Ground}", entry.Id, supervisor, agency, entry.Ground);
        return TypedResults.Created(
            $"/api/v1/consents/{caseCode}/decisions",
            new OverrideView(entry.Id, caseCode, reference, entry.Ground, supervisor, entry.AuthorisedAt));
    }
}
