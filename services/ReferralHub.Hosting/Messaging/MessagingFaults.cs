using System.Collections.Concurrent;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ReferralHub.Hosting.Messaging;

/// <summary>Counts messages that exhausted their retries (and so went to an error queue), per endpoint and message type.</summary>
public sealed class MessagingFaults
{
    private readonly ConcurrentDictionary<(string Endpoint, string MessageType), FaultCount> _counts = new();

    public void Record(string endpoint, string messageType, string exceptionType, DateTime at) =>
        _counts.AddOrUpdate((endpoint, messageType),
            _ => new FaultCount(endpoint, messageType, 1, exceptionType, at),
            (_, existing) => existing with { Count = existing.Count + 1, LastException = exceptionType, LastAt = at });

    public IReadOnlyList<FaultCount> Snapshot() => [.. _counts.Values.OrderBy(c => c.Endpoint).ThenBy(c => c.MessageType)];
}

public sealed record FaultCount(string Endpoint, string MessageType, long Count, string LastException, DateTime LastAt);

/// <summary>
/// Called once per message after the retry filter gave up (MassTransit calls consume observers outside the retry),
/// which is exactly when the message is moved to the error queue. Records ids and types only, never the body.
/// </summary>
internal sealed class MessagingFaultObserver(MessagingFaults faults, TimeProvider clock) : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        var endpoint = context.ReceiveContext.InputAddress?.AbsolutePath.Trim('/') ?? "unknown";
        faults.Record(endpoint, typeof(T).Name, exception.GetType().Name, clock.GetUtcNow().UtcDateTime);
        return Task.CompletedTask;
    }
}

/// <summary>Remembers every receive endpoint this process runs, so operators can see all their error queues.</summary>
public sealed class ReceiveEndpointRegistry : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<string, byte> _queues = new();

    public IReadOnlyCollection<string> Known => [.. _queues.Keys.Order()];

    public Task Ready(ReceiveEndpointReady ready)
    {
        var queue = ready.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (queue is not null && !queue.Contains("_bus_", StringComparison.Ordinal) && !queue.EndsWith("_bus", StringComparison.Ordinal))
            _queues.TryAdd(queue, 0);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}

/// <summary>Reads the depth of each <c>{queue}_error</c> on RabbitMQ with a passive declare (no management plugin needed).</summary>
public sealed class ErrorQueueInspector(BusTransportInfo transport, ReceiveEndpointRegistry endpoints)
{
    public async Task<IReadOnlyList<ErrorQueueDepth>> ReadAsync(CancellationToken cancellationToken)
    {
        if (transport.Transport != "rabbitmq" || transport.ConnectionString is null) return [];
        var factory = new ConnectionFactory { Uri = new Uri(transport.ConnectionString), ClientProvidedName = "referralhub-ops" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var depths = new List<ErrorQueueDepth>();
        foreach (var queue in endpoints.Known)
        {
            var errorQueue = $"{queue}_error";
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(errorQueue, cancellationToken);
                depths.Add(new ErrorQueueDepth(errorQueue, declared.MessageCount));
            }
            catch (OperationInterruptedException)
            {
                depths.Add(new ErrorQueueDepth(errorQueue, 0)); // never created: nothing has failed there yet
            }
        }

        return depths;
    }
}

public sealed record ErrorQueueDepth(string Queue, uint Messages);
