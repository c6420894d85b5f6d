using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ReferralHub.Hosting.Messaging;

/// <summary>One consumer of one service and the queue it owns.</summary>
/// <param name="LegacyQueue">The name the queue had before queues were owned by services (the kebab-case consumer name alone).</param>
public sealed record OwnedQueue(string Service, string Queue, string LegacyQueue, Type Consumer);

/// <summary>Every queue the services of this process own; filled while the bus is configured.</summary>
public sealed class QueueOwnership
{
    private readonly ConcurrentDictionary<string, OwnedQueue> _queues = new(StringComparer.Ordinal);

    public IReadOnlyList<OwnedQueue> Queues => [.. _queues.Values.OrderBy(q => q.Queue, StringComparer.Ordinal)];

    internal void Add(OwnedQueue queue)
    {
        if (!_queues.TryAdd(queue.Queue, queue) && _queues[queue.Queue].Consumer != queue.Consumer)
            throw new InvalidOperationException($"Queue '{queue.Queue}' is claimed by two consumers ({_queues[queue.Queue].Consumer.Name}, {queue.Consumer.Name}).");
    }

    /// <summary>The queue name a service's consumer gets: <c>{service}-{consumer in kebab case, without "Consumer"}</c>.</summary>
    public static string QueueName<TConsumer>(string service) where TConsumer : class, IConsumer =>
        $"{service}-{KebabCaseEndpointNameFormatter.Instance.Consumer<TConsumer>()}";
}

/// <summary>What a module registers its consumers with: each gets a queue named after the module's service.</summary>
public sealed class ServiceConsumers(string service, IBusRegistrationConfigurator bus, QueueOwnership ownership)
{
    public string Service => service;

    public ServiceConsumers Add<TConsumer>() where TConsumer : class, IConsumer
    {
        var queue = QueueOwnership.QueueName<TConsumer>(service);
        ownership.Add(new OwnedQueue(service, queue, KebabCaseEndpointNameFormatter.Instance.Consumer<TConsumer>(), typeof(TConsumer)));
        bus.AddConsumer<TConsumer>().Endpoint(endpoint => endpoint.Name = queue);
        return this;
    }

    /// <summary>
    /// A consumer of <see cref="Batch{T}"/> (e.g. an <see cref="IdempotentBatchConsumer{TMessage,TContext}"/>): up to
    /// <paramref name="messageLimit"/> messages at a time, a partial batch after <paramref name="timeLimitMs"/> (so one
    /// message alone waits at most that long), <paramref name="concurrencyLimit"/> batches at once. A message waits in its
    /// batch until the batch commits, so the endpoint must hold limit × concurrency messages at once: MassTransit's batch
    /// options raise its prefetch and concurrent message limit to that after <c>Messaging:ConcurrentMessageLimit</c> (16)
    /// was applied (tested: <c>DistributedModeBatchDeliveryTests</c>).
    /// </summary>
    public ServiceConsumers AddBatch<TConsumer, TMessage>(int messageLimit = 8, int timeLimitMs = 5, int concurrencyLimit = 2)
        where TConsumer : class, IConsumer<Batch<TMessage>>
        where TMessage : class
    {
        var queue = QueueOwnership.QueueName<TConsumer>(service);
        ownership.Add(new OwnedQueue(service, queue, KebabCaseEndpointNameFormatter.Instance.Consumer<TConsumer>(), typeof(TConsumer)));
        bus.AddConsumer<TConsumer>(consumer => consumer.Options<BatchOptions>(batch => batch
                .SetMessageLimit(messageLimit).SetTimeLimit(TimeSpan.FromMilliseconds(timeLimitMs)).SetConcurrencyLimit(concurrencyLimit)))
            .Endpoint(endpoint => endpoint.Name = queue);
        return this;
    }

    /// <summary>A request client the service uses (requests go to the message type's exchange, not to a queue of ours).</summary>
    public ServiceConsumers AddRequestClient<TRequest>() where TRequest : class
    {
        bus.AddRequestClient<TRequest>();
        return this;
    }
}

/// <summary>
/// Checks at start-up that this process consumes only queues its services own and that each owned queue came up;
/// on RabbitMQ also that no queue of the old shared naming is still consumed or holds messages (an older version
/// still running, or messages stranded by an upgrade). Problems make <c>/health</c> unhealthy and are logged by name.
/// </summary>
public sealed class BusTopologyCheck(
    QueueOwnership ownership,
    ReceiveEndpointRegistry endpoints,
    BusTransportInfo transport,
    IBusControl bus,
    ILogger<BusTopologyCheck> logger) : BackgroundService
{
    private volatile TopologyReport? _report;

    public TopologyReport? Report => _report;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            // Polled often: /health waits for this report, so every poll interval is added to the start (issue 17).
            while (bus.CheckHealth().Status != BusHealthStatus.Healthy && DateTime.UtcNow < deadline)
                await Task.Delay(50, stoppingToken);
            // Endpoints report Ready one by one; give the last ones a moment.
            for (var i = 0; i < 200 && ownership.Queues.Any(q => !endpoints.Known.Contains(q.Queue)); i++)
                await Task.Delay(25, stoppingToken);
            _report = await CheckAsync(stoppingToken);
            foreach (var problem in _report.Problems) logger.LogError("Bus topology: {Problem}", problem);
            foreach (var warning in _report.Warnings) logger.LogWarning("Bus topology: {Warning}", warning);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _report = new TopologyReport([$"topology check failed: {ex.GetType().Name}"], []);
            logger.LogError("Bus topology check failed: {Error}", ex.GetType().Name);
        }
    }

    public async Task<TopologyReport> CheckAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var warnings = new List<string>();
        var owned = ownership.Queues.ToDictionary(q => q.Queue, StringComparer.Ordinal);
        foreach (var queue in endpoints.Known.Where(q => !owned.ContainsKey(q)))
            warnings.Add($"queue '{queue}' is consumed here but owned by no service (register its consumer with AddBusConsumers(service, …))");
        foreach (var queue in owned.Values.Where(q => !endpoints.Known.Contains(q.Queue)))
            problems.Add($"queue '{queue.Queue}' of {queue.Service} ({queue.Consumer.Name}) did not start");
        foreach (var queue in owned.Values.Where(q => !q.Queue.StartsWith(q.Service + "-", StringComparison.Ordinal)))
            problems.Add($"queue '{queue.Queue}' does not carry its service's name '{queue.Service}'");

        if (transport.Transport == "rabbitmq" && transport.ConnectionString is not null)
            await CheckLegacyQueuesAsync(owned.Values, problems, warnings, cancellationToken);
        return new TopologyReport(problems, warnings);
    }

    /// <summary>
    /// A queue of the old shared naming that still has consumers means an older version of some service is running and
    /// takes this service's events; one with messages holds events nobody will read unless they are moved.
    /// </summary>
    private async Task CheckLegacyQueuesAsync(IEnumerable<OwnedQueue> owned, List<string> problems, List<string> warnings, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(transport.ConnectionString!), ClientProvidedName = "referralhub-topology-check" };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        foreach (var legacy in owned.Select(q => q.LegacyQueue).Distinct(StringComparer.Ordinal))
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                var declared = await channel.QueueDeclarePassiveAsync(legacy, cancellationToken);
                if (declared.ConsumerCount > 0)
                    problems.Add($"queue '{legacy}' of the old shared naming still has {declared.ConsumerCount} consumer(s): an older version is running and competes for events (docs/messaging.md, upgrading)");
                else if (declared.MessageCount > 0)
                    problems.Add($"queue '{legacy}' of the old shared naming holds {declared.MessageCount} message(s): move them to the services' own queues, then delete it (docs/messaging.md, upgrading)");
                else
                    warnings.Add($"queue '{legacy}' of the old shared naming is empty and unused: delete it");
            }
            catch (OperationInterruptedException)
            {
                // Not there: the normal case.
            }
        }
    }
}

public sealed record TopologyReport(IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings);

internal sealed class BusTopologyHealthCheck(BusTopologyCheck check) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = check.Report;
        if (report is null) return Task.FromResult(HealthCheckResult.Degraded("bus topology not checked yet"));
        return Task.FromResult(report.Problems.Count == 0
            ? HealthCheckResult.Healthy(report.Warnings.Count == 0 ? null : string.Join("; ", report.Warnings))
            : HealthCheckResult.Unhealthy(string.Join("; ", report.Problems)));
    }
}
