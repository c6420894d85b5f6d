using ReferralHub.Consent.Consents.Amend;
using ReferralHub.Consent.Consents.Query;
using ReferralHub.Consent.Consents.Record;
using ReferralHub.Consent.Consents.Withdraw;
using ReferralHub.Consent.Decisions;
using ReferralHub.Consent.Decisions.Audit;
using ReferralHub.Consent.Decisions.Check;
using ReferralHub.Consent.Overrides.Authorise;
using ReferralHub.Consent.Overrides.Query;
using ReferralHub.Consent.Persistence;
using ReferralHub.Consent.Protection;
using ReferralHub.Consent.Statistics;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;

namespace ReferralHub.Consent;

/// <summary>Informed consent per purpose, withholds, withdrawal and supervisor overrides, checked before anything is released.</summary>
public static class ConsentModule
{
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ConsentRegistryDbContext, SqliteConsentRegistryDbContext, PostgresConsentRegistryDbContext>(ConsentRegistryDbContext.Name);
        builder.AddPersonalDataProtection<ConsentRegistryDbContext>();
        builder.Services.AddSingleton<IConsentTextProtector, ConsentTextProtector>();
        builder.Services.AddScoped<ConsentDecider>();
        // Routing's pre-checks log their decisions in shared commits (ConsentDecider.PreCheckCandidatesAsync).
        builder.Services.AddSingleton<GroupCommit<ConsentRegistryDbContext>>();
        builder.AddBusConsumers("consent", consumers => consumers.Add<CheckConsentResponder>().Add<CheckConsentForCandidatesResponder>().Add<CheckConsentForReferralsResponder>());
        return builder;
    }

    public static IEndpointRouteBuilder MapConsent(this IEndpointRouteBuilder app)
    {
        var consents = app.MapGroup("/api/v1/consents").WithTags("Consent");
        // Literal routes first in reading order; routing prefers them over {caseCode} anyway.
        CheckConsentEndpoint.Map(consents);
        AuthoriseOverride.Map(consents);
        ConsentStatistics.Map(consents);
        RecordConsent.Map(consents);
        AmendConsent.Map(consents);
        WithdrawConsent.Map(consents);
        GetConsent.Map(consents);
        DecisionLog.Map(consents);
        ListOverrides.Map(consents);
        return app;
    }
}
