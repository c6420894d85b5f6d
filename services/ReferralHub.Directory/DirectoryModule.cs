using ReferralHub.Directory.Editing.Areas;
using ReferralHub.Directory.Editing.Organisations;
using ReferralHub.Directory.Editing.Pathways;
using ReferralHub.Directory.Editing.Services;
using ReferralHub.Directory.Events;
using ReferralHub.Directory.Exchange;
using ReferralHub.Directory.Hsds;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Reviews;
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
        builder.AddBusConsumers("directory", consumers => consumers.Add<ResolvePathwayResponder>());
        return builder;
    }

    public static IEndpointRouteBuilder MapDirectory(this IEndpointRouteBuilder app)
    {
        PathwayEndpoint.Map(app);
        var directory = app.MapGroup("/api/v1/directory");
        AreaEndpoints.Map(directory);
        OrganisationEndpoints.Map(directory);
        ServiceEndpoints.Map(directory);
        PathwayEditEndpoints.Map(directory);
        StaleEndpoint.Map(directory);
        DirectoryReplay.Map(directory);
        ExchangeEndpoints.Map(directory);
        HsdsEndpoints.Map(app);
        return app;
    }
}
