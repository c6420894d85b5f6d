using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Reliability.Worker;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>An in-process host running the reliability domain exactly as a service module runs: real outbox, inbox, bus.</summary>
public sealed class ReliabilityHost : IAsyncDisposable
{
    private ReliabilityHost(IHost host, FailureInjection failures)
    {
        Host = host;
        Failures = failures;
    }

    public IHost Host { get; }

    public FailureInjection Failures { get; }

    public IServiceProvider Services => Host.Services;

    /// <summary>Embedded mode: a SQLite file in a fresh folder and the in-memory transport.</summary>
    public static Dictionary<string, string?> Embedded(string dataDirectory) => new()
    {
        ["Storage:DataDirectory"] = dataDirectory,
    };

    /// <summary>Distributed mode: PostgreSQL and RabbitMQ.</summary>
    public static Dictionary<string, string?> Distributed(string postgres, Uri rabbitMq) => new()
    {
        ["ConnectionStrings:reliability"] = postgres,
        ["ConnectionStrings:RabbitMq"] = rabbitMq.ToString(),
    };

    public static async Task<ReliabilityHost> StartAsync(Dictionary<string, string?> settings, FailureInjection? failures = null)
    {
        failures ??= new FailureInjection();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Fewer, faster retries so a poison message reaches its error queue within a second or two.
            ["Messaging:RetryLimit"] = "2",
            ["Messaging:RetryMinInterval"] = "00:00:00.050",
            ["Messaging:RetryMaxInterval"] = "00:00:00.200",
            ["Messaging:Outbox:PollInterval"] = "00:00:00.200",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddReliabilityDomain(failures);
        builder.AddMessageBus();
        var host = builder.Build();
        await host.StartAsync();
        await WaitForBusAsync(host.Services);
        return new ReliabilityHost(host, failures);
    }

    private static async Task WaitForBusAsync(IServiceProvider services)
    {
        var bus = services.GetRequiredService<IBusControl>();
        await Eventually.TrueAsync(() => Task.FromResult(bus.CheckHealth().Status == BusHealthStatus.Healthy), "the bus to start");
    }

    public async Task<T> WithDbAsync<T>(Func<ReliabilityDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>());
    }

    public Task<long> SubmitAsync() =>
        WithDbAsync(db => WorkRequests.SubmitAsync(db, TimeProvider.System, CancellationToken.None));

    public Task<Dictionary<long, int>> EffectsPerRequestAsync() =>
        WithDbAsync(db => db.Effects.GroupBy(e => e.RequestId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count));

    public Task<int> PendingAsync() => WithDbAsync(db => db.Requests.CountAsync(r => r.Status == WorkRequest.Pending));

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(10));
        Host.Dispose();
    }
}

public static class Eventually
{
    /// <summary>Polls until the condition holds; the limit only guards against a hang, it is not a speed assertion.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(180));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
