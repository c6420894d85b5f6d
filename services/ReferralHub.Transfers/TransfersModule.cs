using ReferralHub.Transfers.Persistence;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Transfers;

/// <summary>Moving a whole case and its responsibility to another agency, consent first.</summary>
public static class TransfersModule
{
    public static IHostApplicationBuilder AddTransfers(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<TransfersDbContext, SqliteTransfersDbContext, PostgresTransfersDbContext>(TransfersDbContext.Name);
        return builder;
    }

    public static IEndpointRouteBuilder MapTransfers(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
