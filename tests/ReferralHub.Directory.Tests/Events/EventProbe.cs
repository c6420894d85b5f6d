using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Contracts.Directory;

namespace ReferralHub.Directory.Tests.Events;

/// <summary>A consumer of the directory's events, connected to the running hub's bus (in-memory or RabbitMQ) like another service would be.</summary>
public sealed class EventProbe : IAsyncDisposable
{
    private readonly HostReceiveEndpointHandle _handle;

    public ConcurrentQueue<(Guid? MessageId, object Message)> Received { get; } = new();

    private EventProbe(IServiceProvider services)
    {
        var connector = services.GetRequiredService<IReceiveEndpointConnector>();
        _handle = connector.ConnectReceiveEndpoint($"directory-tests-{Guid.NewGuid():N}", (_, endpoint) =>
        {
            endpoint.Handler<ServiceChanged>(Record);
            endpoint.Handler<ServiceRetired>(Record);
            endpoint.Handler<ServiceAcceptingChanged>(Record);
            endpoint.Handler<PathwayChanged>(Record);
            endpoint.Handler<OrganisationChanged>(Record);
            endpoint.Handler<AreaChanged>(Record);
        });
    }

    private Task Record<T>(ConsumeContext<T> context) where T : class
    {
        Received.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }

    public static async Task<EventProbe> ConnectAsync(IServiceProvider services)
    {
        var probe = new EventProbe(services);
        await probe._handle.Ready;
        return probe;
    }

    public IEnumerable<T> Of<T>() => Received.Select(r => r.Message).OfType<T>();

    /// <summary>Waits until <paramref name="done"/> holds, then a quiet second more so a duplicate would have arrived too.</summary>
    public async Task SettleAsync(Func<EventProbe, bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Expected events did not arrive; got {Received.Count}: {string.Join(", ", Received.Select(r => r.Message.GetType().Name))}");
            await Task.Delay(100);
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
    }

    public async ValueTask DisposeAsync() => await _handle.StopAsync();
}
