using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ReferralHub.Host;

namespace ReferralHub.Host.Tests;

/// <summary>The embedded host as `dotnet run` starts it (Development, demo clients), with its data in a fresh folder.</summary>
public class EmbeddedHubFactory : WebApplicationFactory<EmbeddedHost>, IAsyncLifetime
{
    protected virtual string Environment => "Development";

    public string DataDirectory { get; init; } = System.IO.Directory.CreateTempSubdirectory("referralhub-host-").FullName;

    /// <summary>Keep the data folder on dispose, to start another host on it (a restart).</summary>
    public bool KeepData { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
    }

    /// <summary>Starts the hub before the first test, off xunit's synchronisation context (the factory starts it synchronously).</summary>
    public Task InitializeAsync() => Task.Run(() => Server);

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
        await base.DisposeAsync();
        if (KeepData) return;
        try { System.IO.Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The same host in the Production environment: no demo clients may exist there.</summary>
public sealed class ProductionHubFactory : EmbeddedHubFactory
{
    protected override string Environment => "Production";
}
