using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;
using ReferralHub.Referrals.Answer;
using ReferralHub.Referrals.Cases;
using ReferralHub.Referrals.Deadlines;
using ReferralHub.Referrals.Metrics;
using ReferralHub.Referrals.Notes;
using ReferralHub.Referrals.Persistence;
using ReferralHub.Referrals.Protection;
using ReferralHub.Referrals.Query;
using ReferralHub.Referrals.Release;
using ReferralHub.Referrals.Routing;
using ReferralHub.Referrals.Submit;
using ReferralHub.Referrals.Transfers;
using ReferralHub.Referrals.Webhooks;
using ReferralHub.Referrals.Withdraw;

namespace ReferralHub.Referrals;

/// <summary>The agency API and the server-enforced referral lifecycle.</summary>
public static class ReferralsModule
{
    public static IHostApplicationBuilder AddReferrals(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ReferralsDbContext, SqliteReferralsDbContext, PostgresReferralsDbContext>(ReferralsDbContext.Name);
        builder.AddPersonalDataProtection<ReferralsDbContext>();
        builder.Services.AddSingleton<IClosedCaseSource, ClosedReferralCases>();
        builder.Services.Configure<ReferralsOptions>(builder.Configuration.GetSection("Referrals"));
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection("Referrals:Webhooks"));
        builder.Services.AddSingleton(NeedToKnowProfiles.Load());
        builder.Services.AddScoped<ReferralVault>(sp => new ReferralVault(sp.GetRequiredService<IPersonalDataProtector<ReferralsDbContext>>()));
        builder.Services.AddScoped<ReleaseGate>();
        builder.Services.AddScoped<OfferRouting>();
        builder.Services.AddSingleton<GroupCommit<ReferralsDbContext>>();
        builder.Services.AddRedriveSweep<DeadlineSweep, ReferralsDbContext>();
        builder.Services.Configure<TurnaroundOptions>(builder.Configuration.GetSection("Referrals:Turnaround"));
        builder.Services.AddRedriveSweep<TurnaroundRollupSweep, ReferralsDbContext>();
        builder.AddWebhookDelivery();
        builder.AddBusConsumers("referrals", consumers => consumers
            .AddBatch<OfferSubmittedReferralConsumer, ReferralSubmitted>(concurrencyLimit: RoutingBatchesAtOnce(builder))
            .Add<OfferToNextServiceConsumer>()
            .Add<ConsentWithdrawnConsumer>()
            .Add<CaseResponsibilityTransferredConsumer>()
            .Add<TransferStatusChangedConsumer>()
            .Add<SupervisorOverrideConsumer>());
        return builder;
    }

    /// <summary>
    /// How many batches of new referrals routing works on at once. A batch's time is mostly waiting (the consent
    /// pre-check's round trip, then its transaction's statements), nearly the same for 1 message as for 8; on the broker
    /// the time limit closed batches of 2–3 on average while a backlog waited in the queue, so 2 at once capped the
    /// distributed shape on a busy machine (docs/benchmarks.md, issue 17, session 12: 30–65 % more offered per second
    /// there with 8; on a quieter one the burst waits elsewhere). PostgreSQL commits transactions side by side: 8.
    /// SQLite keeps 2: one writer, so more batches would queue for its lock and commit smaller groups (not measured).
    /// </summary>
    internal static int RoutingBatchesAtOnce(IHostApplicationBuilder builder) =>
        ServiceDatabase.Resolve(builder.Configuration, builder.Environment, ReferralsDbContext.Name).Provider == DatabaseProvider.Postgres ? 8 : 2;

    public static IEndpointRouteBuilder MapReferrals(this IEndpointRouteBuilder app)
    {
        var referrals = app.MapGroup("/api/v1/referrals").WithTags("Referrals");
        referrals.MapSubmitReferral();
        referrals.MapReferralQueries();
        referrals.MapAnswers();
        referrals.MapWithdraw();
        referrals.MapNotes();
        referrals.MapWebhooks();
        app.MapGroup("/api/v1/inbox").WithTags("Provider inbox").MapInbox();
        app.MapGroup("/api/v1/cases").WithTags("Cases").MapCaseExport();
        app.MapTurnaround();
        return app;
    }
}
