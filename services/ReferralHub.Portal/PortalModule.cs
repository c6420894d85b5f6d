using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc.ApplicationParts;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Portal.Accounts;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Notifications;
using ReferralHub.Portal.Pages.Errors;
using ReferralHub.Portal.HubApi;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal;

/// <summary>The small web app for focal points, supervisors, coordinators and agency admins. A client of the services, never of their databases.</summary>
public static class PortalModule
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<PortalDbContext, SqlitePortalDbContext, PostgresPortalDbContext>(PortalDbContext.Name);
        builder.AddPortalAccounts();
        builder.Services.AddTransient<IStartupFilter, PortalSecurityHeaders>();
        builder.AddHubApiClient();
        builder.AddPortalWorkflowApis();
        builder.AddPortalNotifications();
        builder.Services.AddLocalization(options => options.ResourcesPath = "Resources");
        builder.Services.Configure<RouteOptions>(options => options.SetParameterPolicy<PeoplePages>(PeoplePages.Name));
        builder.Services.AddSingleton<DirectoryNames>();
        builder.Services.AddScoped<DirectoryNamesFilter>();
        builder.Services.AddRazorPages(options =>
            {
                // Every page needs a signed-in person unless it says otherwise; role folders need their role.
                options.Conventions.AuthorizeFolder("/", PortalPolicies.SignedIn);
                foreach (var (folder, policy) in PortalPolicies.Folders) options.Conventions.AuthorizeFolder(folder, policy);
                options.Conventions.AllowAnonymousToFolder("/Account");
            })
            .AddMvcOptions(options => options.Filters.AddService<DirectoryNamesFilter>())
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
        if (app is IApplicationBuilder pipeline)
        {
            // English first; another language is a resource file plus its culture name in Portal:Cultures.
            var cultures = PortalCultures.Supported(app.ServiceProvider.GetRequiredService<IConfiguration>()).ToList();
            pipeline.UseRequestLocalization(new RequestLocalizationOptions
            {
                DefaultRequestCulture = new RequestCulture(cultures[0]),
                SupportedCultures = cultures,
                SupportedUICultures = cultures,
            });
        }
        app.MapPortalStyles();
        app.MapRazorPages();
        // Lowest precedence: only an address nothing else took, asked for by a person's browser (see PeoplePages).
        app.MapFallbackToPage($"{{**path:{PeoplePages.Name}}}", "/Errors/NotFound");
        return app;
    }
}
