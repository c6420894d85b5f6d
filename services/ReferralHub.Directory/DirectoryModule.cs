using ReferralHub.Directory.Model;
using ReferralHub.Directory.Pathways.Query;
using ReferralHub.Directory.Persistence;
using ReferralHub.Directory.Seeding;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Directory;

/// <summary>Service mapping and referral pathways: who provides what, where, for whom, and who to contact.</summary>
public static class DirectoryModule
{
    public static IHostApplicationBuilder AddDirectory(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<DirectoryDbContext, SqliteDirectoryDbContext, PostgresDirectoryDbContext>(DirectoryDbContext.Name);
        builder.Services.Configure<DirectoryOptions>(builder.Configuration.GetSection("Directory"));
        builder.Services.AddSingleton<DirectoryCache>();
        builder.Services.AddScoped<IDatabaseSeeder<DirectoryDbContext>, DemoDirectorySeeder>();
        builder.AddBusConsumers(x => x.AddConsumer<ResolvePathwayResponder>());
        return builder;
    }

    public static IEndpointRouteBuilder MapDirectory(this IEndpointRouteBuilder app)
    {
        PathwayEndpoint.Map(app);
        return app;
    }
}
