using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Posture;

namespace ReferralHub.Hosting.Protection;

public static class PersonalDataProtection
{
    /// <summary>
    /// Registers <see cref="IPersonalDataProtector{TContext}"/>: personal data encrypted under per-agency/per-case keys
    /// kept in <typeparamref name="TContext"/> (which must call <c>modelBuilder.AddProtectionKeys()</c>), wrapped by the
    /// Data Protection key ring in <c>Protection:KeyRingDirectory</c> (default, Development only:
    /// <c>{Storage:DataDirectory}/keys/data-protection</c>). Every instance of a service must share that folder; losing it
    /// makes the data unreadable, as destroying does. Outside Development the ring must live outside the data folder and
    /// be encrypted at rest with <c>Protection:CertificatePem</c> (docs/operations.md, "Production posture").
    /// </summary>
    public static IHostApplicationBuilder AddPersonalDataProtection<TContext>(this IHostApplicationBuilder builder)
        where TContext : ServiceDbContext, IProtectionKeyContext
    {
        if (!builder.Services.Any(d => d.ServiceType == typeof(PersonalDataProtectionMarker)))
        {
            builder.Services.AddSingleton<PersonalDataProtectionMarker>();
            var configuration = builder.Configuration;
            var environment = builder.Environment;
            var configured = configuration["Protection:KeyRingDirectory"];
            var certificate = KeyRingCertificate(configuration, "Protection:CertificatePem", "Protection:CertificateKeyPem");
            if (!environment.IsDevelopment())
            {
                // A ring beside the databases is copied with them: a backup or a stolen disk would read everything.
                if (string.IsNullOrWhiteSpace(configured))
                    throw ProductionPosture.Refuse(environment, "Protection:KeyRingDirectory", "is not set: the key ring would be stored inside the data folder");
                var dataFolder = ServiceDatabase.DataDirectory(configuration, environment);
                if (ProductionPosture.IsInside(Path.GetFullPath(configured, environment.ContentRootPath), dataFolder))
                    throw ProductionPosture.Refuse(environment, "Protection:KeyRingDirectory", $"is inside the data folder ({dataFolder}, Storage:DataDirectory)");
                if (certificate is null)
                    throw ProductionPosture.Refuse(environment, "Protection:CertificatePem (or Protection:CertificatePemFile)", "is not set: the key ring would be stored unencrypted");
            }

            var folder = string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(ServiceDatabase.DataDirectory(configuration, environment), "keys", "data-protection")
                : Path.GetFullPath(configured, environment.ContentRootPath);
            var ring = System.IO.Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
                ring.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            var dataProtection = builder.Services.AddDataProtection()
                .SetApplicationName("referralhub")
                .PersistKeysToFileSystem(ring);
            if (certificate is not null)
            {
                // New ring keys are encrypted to the current certificate; keys written under the previous one stay
                // readable during a certificate rotation (docs/operations.md, "Rotation").
                var previous = KeyRingCertificate(configuration, "Protection:PreviousCertificatePem", "Protection:PreviousCertificateKeyPem");
                dataProtection.ProtectKeysWithCertificate(certificate)
                    .UnprotectKeysWithAnyCertificate(previous is null ? [certificate] : [certificate, previous]);
            }
            builder.Services.AddSingleton<KeyOperations>();
            builder.Services.AddHostedService<RetentionSweep>();
        }
        builder.Services.TryAddSingleton<IPersonalDataProtector<TContext>, PersonalDataProtector<TContext>>();
        builder.Services.AddSingleton<IScopeKeyStore, ScopeKeyStore<TContext>>();
        return builder;
    }

    /// <summary>An X.509 certificate with its RSA private key from PEM settings (the key may be in the same PEM).</summary>
    private static X509Certificate2? KeyRingCertificate(IConfiguration configuration, string certificateSetting, string keySetting)
    {
        if (PemSetting.Read(configuration, certificateSetting) is not { Length: > 0 } pem) return null;
        var keyPem = PemSetting.Read(configuration, keySetting) is { Length: > 0 } separate ? separate : pem;
        var certificate = X509Certificate2.CreateFromPem(pem, keyPem);
        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
            throw new InvalidOperationException($"{certificateSetting} needs an RSA certificate with its private key ({keySetting}).");
        return certificate;
    }

    private sealed class PersonalDataProtectionMarker;
}
