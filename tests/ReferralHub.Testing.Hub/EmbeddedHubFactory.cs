using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Host;
using Xunit;

namespace ReferralHub.Testing.Hub;

/// <summary>The embedded host as `dotnet run` starts it (Development, demo clients), with its data in a fresh folder.</summary>
public class EmbeddedHubFactory : WebApplicationFactory<EmbeddedHost>, IAsyncLifetime
{
    protected virtual string Environment => "Development";

    public string DataDirectory { get; init; } = System.IO.Directory.CreateTempSubdirectory("referralhub-host-").FullName;

    /// <summary>Keep the data folder on dispose, to start another host on it (a restart).</summary>
    public bool KeepData { get; init; }

    /// <summary>
    /// Extra configuration, e.g. <c>ConnectionStrings:RabbitMq</c>/<c>ConnectionStrings:Postgres</c> for a run on real
    /// servers, or <c>Auth:Clients:0:ClientId</c>… for API clients beyond the demo ones.
    /// </summary>
    public Dictionary<string, string?> Settings { get; init; } = [];

    /// <summary>What the environment needs before <see cref="Settings"/> (which win): nothing in Development.</summary>
    protected virtual IReadOnlyDictionary<string, string?> EnvironmentSettings => new Dictionary<string, string?>();

    /// <summary>Service replacements applied after the hub's own (e.g. a <see cref="TimeProvider"/> the test moves).</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    private Uri? _publicAddress;

    /// <summary>
    /// Serve on a real Kestrel port on loopback (call before the hub starts), chosen now so that the gateway's public
    /// address (<c>Auth:Issuer</c>) is this host's address: people's browsers are sent there to sign in and come back
    /// to the portal's registered callback under it, as with `dotnet run`.
    /// </summary>
    protected void UseKestrelOnPublicAddress()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        _publicAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The address browsers use (after <see cref="UseKestrelOnPublicAddress"/>): the gateway's and the portal's.</summary>
    public Uri PublicAddress => _publicAddress ?? throw new InvalidOperationException("This hub does not serve on Kestrel (UseKestrelOnPublicAddress).");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        if (_publicAddress is not null) builder.UseSetting("Auth:Issuer", _publicAddress.ToString());
        foreach (var (key, value) in EnvironmentSettings) builder.UseSetting(key, value);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (ConfigureTestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    /// <summary>
    /// Starts the hub before the first test, off xunit's synchronisation context (the factory starts it synchronously),
    /// then waits (bounded) until /health says every service, database and the bus are ready: a host stopped while its
    /// bus is still starting trips a MassTransit shutdown race, and tests should start from a ready hub anyway.
    /// </summary>
    public async Task InitializeAsync()
    {
        await Task.Run(StartServer);
        using var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60); // a hang guard, not a speed check
        while (DateTime.UtcNow < deadline)
        {
            using var health = await client.GetAsync("/health");
            if (health.IsSuccessStatusCode) return;
            await Task.Delay(100);
        }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        var response = await RequestTokenAsync(clientId, secret);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("access_token").GetString()!;
    }

    public Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret) =>
        CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));

    public async Task<HttpClient> ClientForAsync(string clientId, string secret)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(clientId, secret));
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        catch (Exception ex) when (ex.ToString().Contains("MassTransit.Transports.ReceiveEndpoint.Stop", StringComparison.Ordinal))
        {
            // MassTransit 8.5's in-memory receive endpoints can fault while stopping (NullReferenceException in
            // ReceiveEndpoint.Stop) when the host is torn down; it happens after every test of the class has run and
            // says nothing about the hub's behaviour.
        }
        if (KeepData) return;
        try { System.IO.Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The same host in the Production environment: no demo clients may exist there, and it starts only with safe settings
/// (<see cref="ProductionSettings"/>; its key ring in a folder of its own, outside the data folder).
/// </summary>
public sealed class ProductionHubFactory : EmbeddedHubFactory
{
    protected override string Environment => "Production";

    public string KeyRingDirectory { get; init; } = System.IO.Directory.CreateTempSubdirectory("referralhub-keyring-").FullName;

    protected override IReadOnlyDictionary<string, string?> EnvironmentSettings => ProductionSettings.For(KeyRingDirectory);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (KeepData) return;
        try { System.IO.Directory.Delete(KeyRingDirectory, recursive: true); } catch (IOException) { }
    }
}
