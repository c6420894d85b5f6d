using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Gateway.Identity;
using ReferralHub.Hosting.Posture;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Posture;

/// <summary>
/// Outside Development the hub fails closed: each unsafe setting stops it at start with a message naming the setting
/// (docs/operations.md, "Production posture"); with safe settings it starts and its key ring is encrypted at rest.
/// </summary>
public sealed class ProductionPostureTests(ProductionHubFactory production) : IClassFixture<ProductionHubFactory>
{
    public static TheoryData<string, string, string> UnsafeSettings => new()
    {
        { "Auth:Authority", "http://gateway.internal:5080/", "Auth:Authority" },
        { "Auth:RequireHttpsMetadata", "false", "Auth:RequireHttpsMetadata" },
        { "Auth:SigningKeyPem", "", "Auth:SigningKeyPem" },
        { "Protection:CertificatePem", "", "Protection:CertificatePem" },
        { "Protection:KeyRingDirectory", "", "Protection:KeyRingDirectory" },
        { "Protection:KeyRingDirectory", "{data}/keys/ring", "Protection:KeyRingDirectory" },
        { "Auth:Clients:0:ClientSecret", "agency-a-secret", "Auth:Clients:0:ClientSecret" },
        { "Auth:Clients:0:ClientSecret", "short-secret", "Auth:Clients:0:ClientSecret" },
        { "Portal:ClientSecret", "referralhub-demo", "Portal:ClientSecret" },
    };

    [Theory]
    [MemberData(nameof(UnsafeSettings))]
    public async Task The_hub_refuses_to_start_in_Production_with_an_unsafe_setting_and_names_it(string key, string value, string named)
    {
        var data = System.IO.Directory.CreateTempSubdirectory("referralhub-posture-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Clients:0:ClientId"] = "ngo-x-system",
            ["Auth:Clients:0:ClientSecret"] = "a-long-random-secret-0123456789",
            ["Auth:Clients:0:Agency"] = "ngo-x",
            ["Auth:Clients:0:Roles:0"] = "referrer",
            [key] = value.Replace("{data}", data, StringComparison.Ordinal),
        };
        var hub = new ProductionHubFactory { DataDirectory = data, Settings = settings };

        var refused = await Record.ExceptionAsync(hub.InitializeAsync);
        try { await hub.DisposeAsync(); } catch (InvalidOperationException) { } // the host never started

        Assert.NotNull(refused);
        var message = refused.ToString();
        Assert.Contains("Refusing to start in the Production environment", message, StringComparison.Ordinal);
        Assert.Contains(named, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_safe_settings_it_starts_healthy_and_its_key_ring_is_encrypted_outside_the_data_folder()
    {
        Assert.Equal(HttpStatusCode.OK, (await production.CreateClient().GetAsync("/health")).StatusCode);
        // The first protected value makes the ring's first key.
        production.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("posture-test").Protect("x");

        var ring = System.IO.Directory.GetFiles(production.KeyRingDirectory, "key-*.xml");
        Assert.NotEmpty(ring);
        foreach (var file in ring)
        {
            var xml = await File.ReadAllTextAsync(file);
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal); // the unencrypted form
        }
        Assert.Empty(System.IO.Directory.GetFiles(production.DataDirectory, "key-*.xml", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(production.DataDirectory, "keys", "token-signing.pem")));
    }

    [Fact]
    public void Every_demo_client_secret_is_refused_outside_Development()
    {
        Assert.All(DemoClients.All, demo => Assert.Contains(demo.ClientSecret, ProductionPosture.DemoSecrets));
    }
}
