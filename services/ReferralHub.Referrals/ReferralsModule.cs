using ReferralHub.Referrals.Persistence;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Referrals;

/// <summary>The agency API and the server-enforced referral lifecycle.</summary>
public static class ReferralsModule
{
    public static IHostApplicationBuilder AddReferrals(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ReferralsDbContext, SqliteReferralsDbContext, PostgresReferralsDbContext>(ReferralsDbContext.Name);
        return builder;
    }

    public static IEndpointRouteBuilder MapReferrals(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
