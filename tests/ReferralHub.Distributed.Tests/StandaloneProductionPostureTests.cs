using System.Reflection;
using ReferralHub.Testing;

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// A service started on its own (as run-distributed, compose or Kubernetes start it) in Production refuses to start
/// with an unsafe setting and says which: the process exits before it listens or touches a database.
/// </summary>
public sealed class StandaloneProductionPostureTests
{
    [Theory]
    [InlineData("ReferralHub.Referrals", "Auth__Authority", "http://127.0.0.1:5080/", "Auth:Authority")]
    [InlineData("ReferralHub.Consent", "Auth__RequireHttpsMetadata", "false", "Auth:RequireHttpsMetadata")]
    [InlineData("ReferralHub.Transfers", "Protection__CertificatePem", "", "Protection:CertificatePem")]
    [InlineData("ReferralHub.Gateway", "Auth__SigningKeyPem", "", "Auth:SigningKeyPem")]
    public async Task A_standalone_service_in_Production_exits_naming_the_unsafe_setting(string project, string variable, string value, string named)
    {
        var root = RepositoryRoot();
        var configuration = typeof(StandaloneProductionPostureTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var bin = Path.Combine(root, "services", project, "bin", configuration, "net10.0");
        var data = Directory.CreateTempSubdirectory("referralhub-standalone-").FullName;
        var ring = Directory.CreateTempSubdirectory("referralhub-standalone-ring-").FullName;
        try
        {
            var (certificate, key) = Certificate();
            var environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["Storage__DataDirectory"] = data,
                ["Auth__Issuer"] = "https://hub.example.org/",
                ["Auth__Authority"] = "https://hub.example.org/",
                ["Protection__KeyRingDirectory"] = ring,
                ["Protection__CertificatePem"] = certificate,
                ["Protection__CertificateKeyPem"] = key,
                // Nothing reachable: a service that got past the checks would wait for its database instead of exiting.
                ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody;Timeout=1",
                [variable] = value,
            };

            var result = await ProcessRunner.RunAsync("dotnet", [Path.Combine(bin, project + ".dll"), "--urls", "http://127.0.0.1:0"],
                environment, timeout: TimeSpan.FromMinutes(2), workingDirectory: bin, throwOnError: false);

            var output = result.StandardOutput + result.StandardError;
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("Refusing to start in the Production environment", output, StringComparison.Ordinal);
            Assert.Contains(named, output, StringComparison.Ordinal);
            Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(ring, recursive: true);
        }
    }

    private static (string Certificate, string Key) Certificate()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=standalone posture test", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("ReferralHub.sln not found above " + AppContext.BaseDirectory);
    }
}
