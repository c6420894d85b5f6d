using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Directory;

/// <summary>Service mapping and referral pathways: who provides what, where, for whom, and who to contact.</summary>
public static class DirectoryModule
{
    public static IHostApplicationBuilder AddDirectory(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DirectoryDbContext, SqliteDirectoryDbContext, PostgresDirectoryDbContext>(DirectoryDbContext.Name);
        return builder;
    }

    public static IEndpointRouteBuilder MapDirectory(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
