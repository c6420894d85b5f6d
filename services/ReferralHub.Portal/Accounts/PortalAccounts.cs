using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.HubApi;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Accounts;

/// <summary>
/// People's accounts are the gateway's (the hub's identity provider): the portal keeps no passwords and no account
/// tables. It signs people in as the gateway's OpenID Connect client (<see cref="PortalSignIn"/>), keeps a session row
/// per sign-in and a small profile of each person (<see cref="PortalSessions"/>), and authorises its pages by the roles
/// the gateway's tokens carry (<see cref="PortalPolicies"/>). The APIs keep accepting bearer tokens only, so a browser
/// cookie can never call an API by itself.
/// </summary>
public static class PortalAccounts
{
    public static IHostApplicationBuilder AddPortalAccounts(this IHostApplicationBuilder builder)
    {
        builder.AddPortalSignIn();
        builder.Services.AddSingleton<PortalProfiles>();
        builder.Services.AddAuthorizationBuilder().AddPortalPolicies();
        // The agency admin's pages: the gateway's people and API clients, the referral service's webhooks.
        builder.Services.AddAgencyAdministration();
        // The gateway's word that a person was disabled, enabled or given other roles (PersonAccountChangedConsumer),
        // and the sweep that deletes sessions past their absolute lifetime (PortalSessionSweep).
        builder.Services.Configure<PortalSessionOptions>(builder.Configuration.GetSection("Portal:Sessions"));
        builder.Services.AddRedriveSweep<PortalSessionSweep, PortalDbContext>();
        builder.AddBusConsumers("portal", consumers => consumers.Add<PersonAccountChangedConsumer>());
        return builder;
    }
}
