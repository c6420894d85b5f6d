using System.Security.Claims;
using ReferralHub.Consent.Consents;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Consent.Decisions.Check;

/// <summary>The HTTP form of <see cref="CheckConsent"/>: the agency and the requester come from the token, never the body.</summary>
public sealed record CheckBody(string? CaseCode, string? RecipientOrganisation, string? Purpose, string? ReleaseReference, bool? Consume);

internal static class CheckConsentEndpoint
{
    public static void Map(RouteGroupBuilder consents) =>
        consents.MapPost("/check", HandleAsync).RequireAuthorization(p => p.RequireRole(Roles.Referrer));

    private static async Task<IResult> HandleAsync(CheckBody body, ClaimsPrincipal user, ConsentDecider decider, CancellationToken cancellationToken)
    {
        if (user.Agency() is not { Length: > 0 } agency || user.ClientOrUserId() is not { Length: > 0 } subject) return TypedResults.Forbid();

        var errors = new Dictionary<string, string[]>();
        if (!ConsentCodes.IsCaseCode(body.CaseCode)) errors["caseCode"] = ["A case code is required."];
        if (!ConsentCodes.IsOrganisationCode(body.RecipientOrganisation)) errors["recipientOrganisation"] = ["An organisation code is required."];
        if (ConsentCodes.RequiredSharing(body.Purpose) is null)
            errors["purpose"] = [$"Unknown service type '{body.Purpose}': use a service-type code or '{ServiceTypes.CaseTransferPurpose}'."];
        if (!ConsentCodes.IsReleaseReference(body.ReleaseReference))
            errors["releaseReference"] = ["Must name one release: 'referral:{id}' or 'transfer:{id}'."];
        if (errors.Count > 0) return ConsentStore.Invalid(errors);

        var request = new CheckConsent(agency, body.CaseCode!, body.RecipientOrganisation!, body.Purpose!, body.ReleaseReference!, body.Consume ?? false, subject);
        return TypedResults.Ok(await decider.DecideAsync(request, Guid.CreateVersion7(), ConsentDecider.ChannelHttp, cancellationToken));
    }
}
