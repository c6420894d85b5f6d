using Microsoft.AspNetCore.Mvc.ApplicationParts;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal;

/// <summary>The small web app for focal points, supervisors, coordinators and agency admins. A client of the services, never of their databases.</summary>
public static class PortalModule
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PortalDbContext, SqlitePortalDbContext, PostgresPortalDbContext>(PortalDbContext.Name);
        builder.Services.AddRazorPages()
            .ConfigureApplicationPartManager(parts =>
            {
                // Inside ReferralHub.Host the pages live in this referenced assembly: make sure MVC sees them once.
                var assembly = typeof(PortalModule).Assembly;
                if (parts.ApplicationParts.OfType<AssemblyPart>().Any(p => p.Assembly == assembly)) return;
                foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
                    parts.ApplicationParts.Add(part);
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        return app;
    }
}
