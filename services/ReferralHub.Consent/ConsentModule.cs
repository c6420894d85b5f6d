using ReferralHub.Consent.Persistence;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Consent;

/// <summary>Informed consent per purpose, withholds, withdrawal and supervisor overrides, checked before anything is released.</summary>
public static class ConsentModule
{
    public static IHostApplicationBuilder AddConsent(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ConsentRegistryDbContext, SqliteConsentRegistryDbContext, PostgresConsentRegistryDbContext>(ConsentRegistryDbContext.Name);
        return builder;
    }

    public static IEndpointRouteBuilder MapConsent(this IEndpointRouteBuilder app)
    {
        return app;
    }
}
