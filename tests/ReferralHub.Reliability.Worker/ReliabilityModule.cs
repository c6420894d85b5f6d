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
        builder.AddBusConsumers("reliability", consumers => consumers.Add<ProcessRequestConsumer>().Add<RecordTallyConsumer>());
        builder.Services.AddRedriveSweep<PendingRequestSweep, ReliabilityDbContext>();
        return builder;
    }
}
