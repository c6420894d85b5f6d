using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Reliability.Worker;

public static class ReliabilityModule
{
    /// <summary>Registers the reliability domain the way a real service module registers itself.</summary>
    public static IHostApplicationBuilder AddReliabilityDomain(this IHostApplicationBuilder builder, FailureInjection? failures = null)
    {
        builder.Services.AddSingleton(failures ?? new FailureInjection());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServiceDatabase<ReliabilityDbContext, SqliteReliabilityDbContext, PostgresReliabilityDbContext>(ReliabilityDbContext.Name);
        // Reliability:BatchConsumer=true runs the same guarantees through the group-commit base (IdempotentBatchConsumer).
        var batch = string.Equals(builder.Configuration["Reliability:BatchConsumer"], "true", StringComparison.OrdinalIgnoreCase);
        // Reliability:BatchConcurrency: batches at once (referral routing runs 8 on PostgreSQL); the default is AddBatch's 2.
        var batchesAtOnce = builder.Configuration.GetValue("Reliability:BatchConcurrency", 2);
        builder.AddBusConsumers("reliability", consumers => (batch
            ? consumers.AddBatch<ProcessRequestBatchConsumer, ProcessRequest>(concurrencyLimit: batchesAtOnce)
            : consumers.Add<ProcessRequestConsumer>()).Add<RecordTallyConsumer>());
        builder.Services.AddRedriveSweep<PendingRequestSweep, ReliabilityDbContext>();
        return builder;
    }
}
