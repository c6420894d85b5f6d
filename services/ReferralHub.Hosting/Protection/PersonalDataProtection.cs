using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Protection;

public static class PersonalDataProtection
{
    /// <summary>
    /// Registers <see cref="IPersonalDataProtector{TContext}"/>: personal data encrypted under per-agency/per-case keys
    /// kept in <typeparamref name="TContext"/> (which must call <c>modelBuilder.AddProtectionKeys()</c>), wrapped by the
    /// Data Protection key ring in <c>Protection:KeyRingDirectory</c> (default <c>{Storage:DataDirectory}/keys/data-protection</c>).
    /// Every instance of a service must share that folder; losing it makes the data unreadable, as destroying does.
    /// </summary>
    public static IHostApplicationBuilder AddPersonalDataProtection<TContext>(this IHostApplicationBuilder builder)
        where TContext : ServiceDbContext, IProtectionKeyContext
    {
        if (!builder.Services.Any(d => d.ServiceType == typeof(PersonalDataProtectionMarker)))
        {
            builder.Services.AddSingleton<PersonalDataProtectionMarker>();
            var folder = builder.Configuration["Protection:KeyRingDirectory"] is { Length: > 0 } configured
                ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
                : Path.Combine(ServiceDatabase.DataDirectory(builder.Configuration, builder.Environment), "keys", "data-protection");
            var ring = System.IO.Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
                ring.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            builder.Services.AddDataProtection()
                .SetApplicationName("referralhub")
                .PersistKeysToFileSystem(ring);
        }
        builder.Services.TryAddSingleton<IPersonalDataProtector<TContext>, PersonalDataProtector<TContext>>();
        return builder;
    }

    private sealed class PersonalDataProtectionMarker;
}
