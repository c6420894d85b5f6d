using System.Security.Claims;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Consent;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Referrals.Lifecycle;
using ReferralHub.Referrals.Model;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Release;
using ReferralHub.Referrals.Routing;
using ReferralHub.Referrals.Submit;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Referrals.Answer;

/// <summary>
/// The provider's answers, one action per file (AcceptReferral, DeclineReferral, StartService, CompleteService). Only a
/// focal point of the organisation the referral is offered to may answer (another organisation gets 404: it must not
/// learn the referral exists); each answer is legal only from one state (409).
/// </summary>
public static class AnswerEndpoints
{
    public static RouteGroupBuilder MapAnswers(this RouteGroupBuilder group)
    {
        var provider = group.MapGroup("/{id:guid}").RequireAuthorization(p => p.RequireRole(Roles.Provider));
        AcceptReferral.Map(provider);
        DeclineReferral.Map(provider);
        StartService.Map(provider);
        CompleteService.Map(provider);
        return group;
    }

    /// <summary>The referral as the calling organisation may answer it: offered to it, and past submission.</summary>
    internal static async Task<Referral?> ForProviderAsync(ReferralsDbContext db, Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var organisation = user.Agency();
        return await db.Referrals.SingleOrDefaultAsync(r => r.Id == id && r.OrganisationCode == organisation
            && r.Status != ReferralStatuses.Submitted, cancellationToken);
    }
}
