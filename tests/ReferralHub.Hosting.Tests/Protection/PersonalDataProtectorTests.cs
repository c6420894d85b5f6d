using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Persistence;
using ReferralHub.Hosting.Protection;

namespace ReferralHub.Hosting.Tests.Protection;

/// <summary>Personal data at rest: readable only under its own scope, unreadable once the scope's keys are destroyed.</summary>
public sealed class PersonalDataProtectorTests : IDisposable
{
    private const string ChildName = "Nadia Testchild";
    private readonly string _dataDirectory = System.IO.Directory.CreateTempSubdirectory("referralhub-protection-").FullName;

    [Fact]
    public async Task Text_round_trips_and_the_stored_form_holds_no_plaintext()
    {
        using var host = await StartAsync();
        var protector = host.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>();
        var scope = ProtectionScopes.Case("agency-a", "CASE-1");

        var first = await protector.ProtectAsync(scope, ChildName);
        var second = await protector.ProtectAsync(scope, ChildName);

        Assert.DoesNotContain("Nadia", first, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(first, second); // a fresh nonce each time: equal names do not give equal ciphertexts
        Assert.Equal(ChildName, await protector.UnprotectAsync(scope, first));
        Assert.Equal(ChildName, await protector.UnprotectAsync(scope, second));
    }

    [Fact]
    public async Task A_value_protected_for_one_case_cannot_be_read_as_another_case()
    {
        using var host = await StartAsync();
        var protector = host.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>();
        var ciphertext = await protector.ProtectAsync(ProtectionScopes.Case("agency-a", "CASE-1"), ChildName);

        await Assert.ThrowsAnyAsync<CryptographicException>(() => protector.UnprotectAsync(ProtectionScopes.Case("agency-a", "CASE-2"), ciphertext));
    }

    [Fact]
    public async Task Destroying_an_agency_makes_its_cases_unreadable_and_leaves_other_agencies_readable()
    {
        using var host = await StartAsync();
        var protector = host.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>();
        var agencyA = ProtectionScopes.Case("agency-a", "CASE-1");
        var agencyAb = ProtectionScopes.Case("agency-ab", "CASE-1"); // a code that merely starts the same way
        var bytesA = await protector.ProtectAsync(agencyA, Encoding.UTF8.GetBytes(ChildName));
        var textAb = await protector.ProtectAsync(agencyAb, ChildName);

        var destroyed = await protector.DestroyScopeAsync(ProtectionScopes.Agency("agency-a"));

        Assert.Equal(1, destroyed);
        Assert.Null(await protector.UnprotectAsync(agencyA, bytesA));
        Assert.Equal(ChildName, await protector.UnprotectAsync(agencyAb, textAb));

        // A restarted process (no cached keys) cannot read it either.
        host.Dispose();
        using var restarted = await StartAsync();
        Assert.Null(await restarted.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>().UnprotectAsync(agencyA, bytesA));
    }

    [Fact]
    public async Task A_restarted_service_reads_what_it_stored_before()
    {
        var scope = ProtectionScopes.Case("agency-a", "CASE-9");
        string ciphertext;
        using (var host = await StartAsync())
            ciphertext = await host.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>().ProtectAsync(scope, ChildName);

        using var restarted = await StartAsync();
        Assert.Equal(ChildName, await restarted.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>().UnprotectAsync(scope, ciphertext));
    }

    [Fact]
    public async Task Two_processes_using_a_new_scope_at_once_agree_on_one_key()
    {
        using var one = await StartAsync();
        using var two = await StartAsync();
        var scope = ProtectionScopes.Case("agency-a", "CASE-RACE");

        var both = await Task.WhenAll(
            Task.Run(() => one.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>().ProtectAsync(scope, "from one")),
            Task.Run(() => two.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>().ProtectAsync(scope, "from two")));

        var reader = one.Services.GetRequiredService<IPersonalDataProtector<KeysContext>>();
        Assert.Equal("from one", await reader.UnprotectAsync(scope, both[0]));
        Assert.Equal("from two", await reader.UnprotectAsync(scope, both[1]));
    }

    private async Task<IHost> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _dataDirectory });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddDbContext<KeysContext>(o => o.UseSqlite($"Data Source={Path.Combine(_dataDirectory, "keys.db")};Default Timeout=30"));
        builder.AddPersonalDataProtection<KeysContext>();
        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KeysContext>();
            await db.Database.EnsureCreatedAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        return host;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    public sealed class KeysContext(DbContextOptions<KeysContext> options) : ServiceDbContext(options), IProtectionKeyContext
    {
        public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.AddProtectionKeys();
            base.OnModelCreating(modelBuilder);
        }
    }
}
