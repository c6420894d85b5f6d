using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;
using ReferralHub.Transfers.Bulk;
using ReferralHub.Transfers.Consent;
using ReferralHub.Transfers.Escalation;
using ReferralHub.Transfers.Handover;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Retention;
using ReferralHub.Transfers.Acknowledge;
using ReferralHub.Transfers.Approval;
using ReferralHub.Transfers.Attachments;
using ReferralHub.Transfers.Capacity;
using ReferralHub.Transfers.Package;
using ReferralHub.Transfers.Query;
using ReferralHub.Transfers.Request;
using ReferralHub.Transfers.Withdraw;

namespace ReferralHub.Transfers;

/// <summary>Moving a whole case and its responsibility to another agency, consent first.</summary>
public static class TransfersModule
{
    public static IHostApplicationBuilder AddTransfers(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<TransfersDbContext, SqliteTransfersDbContext, PostgresTransfersDbContext>(TransfersDbContext.Name);
        builder.AddPersonalDataProtection<TransfersDbContext>();
        builder.Services.AddSingleton<IClosedCaseSource, ClosedTransferCases>();
        builder.Services.Configure<TransfersOptions>(builder.Configuration.GetSection("Transfers"));
        builder.Services.AddScoped<TransferSteps>();
        builder.Services.AddScoped<PackageGate>();
        builder.Services.AddRedriveSweep<TransferSweep, TransfersDbContext>();
        builder.Services.AddSingleton<BulkSignal>();
        builder.Services.AddHostedService<BulkTransferRunner>();
        builder.AddBusConsumers("transfers", consumers => consumers
            .Add<ConsentWithdrawnConsumer>()
            .Add<SupervisorOverrideConsumer>());
        return builder;
    }

    public static IEndpointRouteBuilder MapTransfers(this IEndpointRouteBuilder app)
    {
        var transfers = app.MapGroup("/api/v1/transfers").WithTags("Transfers");
        BulkTransfers.Map(transfers);
        EscalatedTransfers.Map(transfers);
        TransferQueries.Map(transfers);
        RequestTransfer.Map(transfers);
        AnswerCapacity.Map(transfers);
        CaseworkerCaseloads.Map(transfers);
        ApproveTransfer.Map(transfers);
        AddAttachment.Map(transfers);
        GetPackage.Map(transfers);
        AcknowledgeTransfer.Map(transfers);
        WithdrawTransfer.Map(transfers);
        return app;
    }
}
