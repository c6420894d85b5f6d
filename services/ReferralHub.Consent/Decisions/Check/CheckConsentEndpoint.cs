using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using ReferralHub.Consent.Consents;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Consent.Decisions.Check;

/// <summary>The HTTP form of <see cref="CheckConsent"/>: the agency and the requester come from the token, never the body.</summary>
public sealed record CheckBody(string? CaseCode, string? RecipientOrganisation, string? Purpose, string? ReleaseReference, bool? Consume);

internal static class CheckConsentEndpoint
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapPost("/check", HandleAsync).WithName("CheckConsent").RequireAuthorization(p => p.RequireRole(Roles.Referrer));

    private static async Task<Results<Ok<ConsentDecision>, ValidationProblem, ProblemHttpResult>> HandleAsync(CheckBody body, ClaimsPrincipal user, ConsentDecider decider, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject) return Problems.Forbidden("This needs a token that names an agency and a caller (agency, sub).");

        var errors = new FieldErrors();
        if (!ConsentCodes.IsCaseCode(body.CaseCode)) errors.Add("caseCode", "A case code is required.");
        if (!ConsentCodes.IsOrganisationCode(body.RecipientOrganisation)) errors.Add("recipientOrganisation", "An organisation code is required.");
        if (ConsentCodes.RequiredSharing(body.Purpose) is null)
            errors.Add("purpose", $"Unknown service type '{body.Purpose}': use a service-type code or '{ServiceTypes.CaseTransferPurpose}'.");
        if (!ConsentCodes.IsReleaseReference(body.ReleaseReference))
            errors.Add("releaseReference", "Must name one release: 'referral:{id}' or 'transfer:{id}'.");
        if (errors.Count > 0) return Problems.Invalid(errors);

        var request = new CheckConsent(agency, body.CaseCode!, body.RecipientOrganisation!, body.Purpose!, body.ReleaseReference!, body.Consume ?? false, subject);
        return TypedResults.Ok(await decider.DecideAsync(request, Guid.CreateVersion7(), ConsentDecider.ChannelHttp, cancellationToken));
    }
}
